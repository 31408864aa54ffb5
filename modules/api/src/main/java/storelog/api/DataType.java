package storelog.api;

/**
 * The type of a record's payload, with GoStoreLog's wire codes.
 *
 * <p>The payload is always stored as bytes; the type says how to read them:
 * <ul>
 *   <li>{@link #JSON} (0): the UTF-8 text of one JSON value (object, array, string, number, literal);</li>
 *   <li>{@link #BYTES} (1): opaque bytes;</li>
 *   <li>{@link #STRING} (2): UTF-8 text.</li>
 * </ul>
 */
public enum DataType {
    JSON(0),
    BYTES(1),
    STRING(2);

    private static final DataType[] BY_CODE = {JSON, BYTES, STRING};

    private final int code;

    DataType(int code) {
        this.code = code;
    }

    /** The wire code: 0, 1 or 2. */
    public int code() {
        return code;
    }

    /**
     * The data type of a wire code.
     *
     * @throws InvalidRecordException when the code is not 0, 1 or 2
     */
    public static DataType fromCode(int code) {
        if (code < 0 || code >= BY_CODE.length) {
            throw new InvalidRecordException("data_type " + code
                    + " is unknown; expected 0 (JSON), 1 (bytes) or 2 (string)");
        }
        return BY_CODE[code];
    }

    /**
     * Checks that stored bytes fit this type: JSON must be one well-formed JSON value in UTF-8,
     * a string must be well-formed UTF-8, bytes may be anything.
     *
     * @throws InvalidRecordException naming the problem and its byte position
     */
    public void checkPayload(byte[] payload) {
        String problem = switch (this) {
            case JSON -> JsonSyntax.problem(payload);
            case STRING -> Utf8.problem(payload, 0, payload.length);
            case BYTES -> null;
        };
        if (problem != null) {
            throw new InvalidRecordException("payload is not valid for data_type " + code
                    + " (" + name().toLowerCase(java.util.Locale.ROOT) + "): " + problem);
        }
    }
}
