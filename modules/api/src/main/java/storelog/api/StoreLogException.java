package storelog.api;

/**
 * The root of StoreLog's typed errors. Each carries a stable snake_case {@link #code()} that the HTTP
 * layer and the client SDK pass on unchanged, and a message a user can act on (partition, offset,
 * file, value).
 */
public abstract class StoreLogException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    protected StoreLogException(String message) {
        super(message);
    }

    protected StoreLogException(String message, Throwable cause) {
        super(message, cause);
    }

    /** A stable machine-readable code, e.g. {@code offset_out_of_range}. */
    public abstract String code();
}
