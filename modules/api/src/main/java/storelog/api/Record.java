package storelog.api;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * A stored record: where it is ({@code partition}, {@code offset}), what it holds ({@code type},
 * {@code payload}) and when it was first accepted ({@code timestamp}, epoch milliseconds, set by the
 * node that assigned its offset and kept unchanged by replication).
 *
 * <p>Immutable by contract: the payload array is not copied, so callers must not modify it.
 */
public record Record(PartitionKey partition, long offset, DataType type, byte[] payload, long timestamp) {

    public Record {
        Objects.requireNonNull(partition, "partition");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(payload, "payload");
        if (offset < 0) {
            throw new IllegalArgumentException("offset " + offset + " is negative");
        }
    }

    /** The payload as UTF-8 text (meaningful for JSON and string records). */
    public String text() {
        return new String(payload, StandardCharsets.UTF_8);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Record r && offset == r.offset && timestamp == r.timestamp
                && partition.equals(r.partition) && type == r.type && Arrays.equals(payload, r.payload);
    }

    @Override
    public int hashCode() {
        return Objects.hash(partition, offset, type, timestamp) * 31 + Arrays.hashCode(payload);
    }

    @Override
    public String toString() {
        return "Record[" + partition + "@" + offset + ", " + type + ", " + payload.length + " bytes, ts=" + timestamp + "]";
    }
}
