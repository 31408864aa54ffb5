package storelog.client;

import java.util.OptionalLong;

/**
 * The one exception of the client SDK: a request that StoreLog refused, or that did not reach it.
 *
 * <ul>
 *   <li>{@link #status()}: the HTTP status the node answered (400, 404, 413, 503 ...), or {@code 0}
 *       when no answer came (connection refused, broken or timed out);</li>
 *   <li>{@link #code()}: the server's stable {@code code} ({@code unknown_partition},
 *       {@code offset_out_of_range}, {@code invalid_record} ...), or for status 0 one of
 *       {@value #CONNECTION_FAILED}, {@value #TIMEOUT}, {@value #INTERRUPTED}; an answer without a
 *       StoreLog error body gets {@code http_<status>};</li>
 *   <li>{@link #serverMessage()}: the server's sentence ({@code error}), or what went wrong on the way;</li>
 *   <li>{@link #nextOffset()}: the {@code next_offset} of the error body when it has one (a 404
 *       {@code offset_out_of_range} names the partition's end there).</li>
 * </ul>
 * A status-0 failure of a publish after the request was sent ({@value #TIMEOUT}, or a connection
 * broken mid-request) means the record may or may not have been stored.
 */
public final class StoreLogClientException extends RuntimeException {

    /** No node could be connected to, or a connection broke before an answer came. */
    public static final String CONNECTION_FAILED = "connection_failed";
    /** The node did not answer within the request timeout. */
    public static final String TIMEOUT = "timeout";
    /** The calling thread was interrupted while waiting for the answer. */
    public static final String INTERRUPTED = "interrupted";
    /** The node answered something that is not StoreLog's API. */
    public static final String INVALID_RESPONSE = "invalid_response";

    private final int status;
    private final String code;
    private final String serverMessage;
    private final OptionalLong nextOffset;

    StoreLogClientException(int status, String code, String serverMessage, OptionalLong nextOffset, Throwable cause) {
        super(describe(status, code, serverMessage), cause);
        this.status = status;
        this.code = code;
        this.serverMessage = serverMessage;
        this.nextOffset = nextOffset;
    }

    /** A failure before any answer: status 0. */
    static StoreLogClientException transport(String code, String message, Throwable cause) {
        return new StoreLogClientException(0, code, message, OptionalLong.empty(), cause);
    }

    /** The HTTP status of the answer, or 0 when there was none. */
    public int status() {
        return status;
    }

    /** The server's error code, or the client's for a status-0 failure (see the class doc). */
    public String code() {
        return code;
    }

    /** The server's human sentence (its {@code error} field), or the client's for a status-0 failure. */
    public String serverMessage() {
        return serverMessage;
    }

    /** The error body's {@code next_offset}, when it has one. */
    public OptionalLong nextOffset() {
        return nextOffset;
    }

    private static String describe(int status, String code, String message) {
        return (status == 0 ? "" : status + " ") + code + ": " + message;
    }
}
