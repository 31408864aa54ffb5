package storelog.client;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Base64;
import java.util.Objects;
import storelog.api.DataType;

/**
 * One record to publish: its data and {@link DataType}, checked to fit each other when created, so
 * a mismatch is an {@link IllegalArgumentException} before any request. Used by
 * {@link StoreLogClient#publishBatch(String, java.util.List)}, and by
 * {@link StoreLogClient#publish(Object, DataType, String)} for its single record.
 *
 * <ul>
 *   <li>{@link #json(Object)}: any value Jackson can write (Map, List, record or bean, String,
 *       Number, Boolean, {@code JsonNode}, null); it is written with the client's
 *       {@code ObjectMapper} when published, and stored as its JSON text (in a named module, open
 *       the package of your own types to {@code com.fasterxml.jackson.databind}). A {@code String} becomes a
 *       JSON string, not parsed JSON text (give a {@code JsonNode} for that). A {@code byte[]} is
 *       refused: it would silently become a base64 string; use {@link #bytes(byte[])};</li>
 *   <li>{@link #bytes(byte[])}: opaque bytes, copied here and sent base64-encoded;</li>
 *   <li>{@link #string(CharSequence)}: text, stored as UTF-8.</li>
 * </ul>
 * Immutable, except that a JSON value is held by reference until it is published.
 */
public final class Entry {

    private final DataType type;
    private final Object data;

    private Entry(DataType type, Object data) {
        this.type = type;
        this.data = data;
    }

    /** A JSON record (type 0) holding {@code value} (see the class doc for what fits). */
    public static Entry json(Object value) {
        if (value instanceof byte[]) {
            throw new IllegalArgumentException("a byte[] is not JSON data; publish it as DataType.BYTES");
        }
        return new Entry(DataType.JSON, value);
    }

    /** A bytes record (type 1) holding a copy of {@code bytes}. */
    public static Entry bytes(byte[] bytes) {
        if (bytes == null) {
            throw new IllegalArgumentException("data for DataType.BYTES must be a byte[], not null");
        }
        return new Entry(DataType.BYTES, bytes.clone());
    }

    /** A string record (type 2) holding {@code text}. */
    public static Entry string(CharSequence text) {
        if (text == null) {
            throw new IllegalArgumentException("data for DataType.STRING must be a String, not null");
        }
        return new Entry(DataType.STRING, text.toString());
    }

    /**
     * A record of {@code type} holding {@code data}: a JSON value, a {@code byte[]} or a
     * {@code CharSequence}, as the type asks.
     *
     * @throws IllegalArgumentException when {@code data} is not what {@code type} takes
     */
    public static Entry of(Object data, DataType type) {
        Objects.requireNonNull(type, "type");
        return switch (type) {
            case JSON -> json(data);
            case BYTES -> data instanceof byte[] bytes ? bytes(bytes) : refuse(data, type, "a byte[]");
            case STRING -> data instanceof CharSequence text ? string(text) : refuse(data, type, "a String");
        };
    }

    public DataType type() {
        return type;
    }

    /** Writes {@code "data"} and {@code "data_type"} of the wire format into {@code record}; a JSON
     * value is written by the mapper that writes {@code record}. */
    void writeTo(ObjectNode record) {
        switch (type) {
            case JSON -> record.putPOJO("data", data);
            case BYTES -> record.put("data", Base64.getEncoder().encodeToString((byte[]) data));
            case STRING -> record.put("data", (String) data);
        }
        record.put("data_type", type.code());
    }

    private static Entry refuse(Object data, DataType type, String expected) {
        throw new IllegalArgumentException("data for DataType." + type + " must be " + expected + ", not "
                + (data == null ? "null" : data.getClass().getName()));
    }

    @Override
    public String toString() {
        return "Entry[" + type + (data instanceof byte[] b ? ", " + b.length + " bytes" : "") + "]";
    }
}
