package storelog.client;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;
import storelog.api.DataType;

/**
 * A stored record as the client reads it: where it is ({@link #partition()}, {@link #offset()}),
 * its {@link #type()}, when it was accepted ({@link #timestamp()}) and its stored bytes, with
 * accessors that fit the type:
 * <table>
 *   <caption>accessors by type</caption>
 *   <tr><th>accessor</th><th>JSON</th><th>BYTES</th><th>STRING</th></tr>
 *   <tr><td>{@link #asBytes()}</td><td>the JSON text in UTF-8</td><td>the bytes</td><td>the text in UTF-8</td></tr>
 *   <tr><td>{@link #asString()}</td><td>the JSON text</td><td>refused</td><td>the text</td></tr>
 *   <tr><td>{@link #asJson(Class)}, {@link #asJsonNode()}</td><td>the value</td><td>refused</td><td>refused</td></tr>
 * </table>
 * A refused accessor throws {@link IllegalStateException} naming the record's type. Bytes are not
 * text: decode them yourself when you know they are ({@code new String(asBytes(), UTF_8)}).
 *
 * <p>Immutable. (Not {@link storelog.api.Record}, the server's view of a record.)
 */
public final class Record {

    private final String partition;
    private final long offset;
    private final DataType type;
    private final byte[] bytes;
    private final long timestamp;
    private final ObjectMapper mapper;

    Record(String partition, long offset, DataType type, byte[] bytes, long timestamp, ObjectMapper mapper) {
        this.partition = Objects.requireNonNull(partition, "partition");
        this.offset = offset;
        this.type = Objects.requireNonNull(type, "type");
        this.bytes = Objects.requireNonNull(bytes, "bytes");
        this.timestamp = timestamp;
        this.mapper = mapper;
    }

    /** The partition key. */
    public String partition() {
        return partition;
    }

    public long offset() {
        return offset;
    }

    public DataType type() {
        return type;
    }

    /** When the record was first accepted, in epoch milliseconds (set by the node that stored it). */
    public long timestamp() {
        return timestamp;
    }

    /** A copy of the stored bytes (any type). */
    public byte[] asBytes() {
        return bytes.clone();
    }

    /**
     * The stored bytes as UTF-8 text: the string of a STRING record, the JSON text of a JSON record.
     *
     * @throws IllegalStateException for a BYTES record
     */
    public String asString() {
        require("asString()", DataType.STRING, DataType.JSON);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    /**
     * The JSON value mapped to {@code type} by the client's {@code ObjectMapper}.
     *
     * @throws IllegalStateException    when this is not a JSON record
     * @throws IllegalArgumentException when the value does not map to {@code type}
     */
    public <T> T asJson(Class<T> type) {
        require("asJson()", DataType.JSON);
        try {
            return mapper.readValue(bytes, type);
        } catch (IOException e) {
            throw new IllegalArgumentException(this + " does not map to " + type.getName() + ": " + firstLine(e), e);
        }
    }

    /**
     * The JSON value mapped to a generic type, such as {@code new TypeReference<List<Reading>>() {}}.
     *
     * @throws IllegalStateException    when this is not a JSON record
     * @throws IllegalArgumentException when the value does not map to {@code type}
     */
    public <T> T asJson(TypeReference<T> type) {
        require("asJson()", DataType.JSON);
        try {
            return mapper.readValue(bytes, type);
        } catch (IOException e) {
            throw new IllegalArgumentException(this + " does not map to " + type.getType().getTypeName() + ": " + firstLine(e), e);
        }
    }

    /**
     * The JSON value as a tree.
     *
     * @throws IllegalStateException when this is not a JSON record
     */
    public JsonNode asJsonNode() {
        require("asJsonNode()", DataType.JSON);
        try {
            return mapper.readTree(bytes);
        } catch (IOException e) {
            throw new IllegalArgumentException(this + " does not hold valid JSON: " + firstLine(e), e);
        }
    }

    private void require(String accessor, DataType... fitting) {
        for (DataType t : fitting) {
            if (t == type) {
                return;
            }
        }
        throw new IllegalStateException(accessor + " does not fit " + this + ": it is a " + type + " record"
                + (type == DataType.BYTES ? "; use asBytes()" : "; use asString()"));
    }

    private static String firstLine(IOException e) {
        String message = String.valueOf(e.getMessage());
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }

    /** Same partition, offset, type, timestamp and bytes. */
    @Override
    public boolean equals(Object o) {
        return o instanceof Record r && offset == r.offset && timestamp == r.timestamp && type == r.type
                && partition.equals(r.partition) && Arrays.equals(bytes, r.bytes);
    }

    @Override
    public int hashCode() {
        return Objects.hash(partition, offset, type, timestamp) * 31 + Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
        return "record \"" + partition + "\"@" + offset + " (" + type + ", " + bytes.length + " bytes)";
    }
}
