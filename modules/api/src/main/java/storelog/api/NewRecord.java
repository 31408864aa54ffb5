package storelog.api;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * A record on its way in: no offset yet. The payload is checked against its type on construction
 * ({@link DataType#checkPayload(byte[])}), so a storage engine can trust every {@code NewRecord}.
 *
 * @param timestamp epoch milliseconds; the node that assigns the offset sets it, replicas keep it
 */
public record NewRecord(DataType type, byte[] payload, long timestamp) {

    public NewRecord {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(payload, "payload");
        type.checkPayload(payload);
    }

    /** A JSON record from its JSON text. */
    public static NewRecord json(String jsonText, long timestamp) {
        return new NewRecord(DataType.JSON, jsonText.getBytes(StandardCharsets.UTF_8), timestamp);
    }

    /** A string record. */
    public static NewRecord string(String text, long timestamp) {
        return new NewRecord(DataType.STRING, text.getBytes(StandardCharsets.UTF_8), timestamp);
    }

    /** A bytes record. */
    public static NewRecord bytes(byte[] bytes, long timestamp) {
        return new NewRecord(DataType.BYTES, bytes, timestamp);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof NewRecord r && type == r.type && timestamp == r.timestamp && Arrays.equals(payload, r.payload);
    }

    @Override
    public int hashCode() {
        return Objects.hash(type, timestamp) * 31 + Arrays.hashCode(payload);
    }

    @Override
    public String toString() {
        return "NewRecord[" + type + ", " + payload.length + " bytes, ts=" + timestamp + "]";
    }
}
