package storelog.client;

import java.time.Duration;
import java.util.Objects;

/**
 * One request of the HTTP API, before it is given a node.
 *
 * @param method       {@code GET} or {@code POST}
 * @param pathAndQuery the path and query string, starting with {@code /}
 * @param body         the JSON body of a POST, else null
 * @param timeout      how long to wait for the answer, or null for the client's request timeout
 * @param cancellation how another thread may abandon the request
 */
record Call(String method, String pathAndQuery, byte[] body, Duration timeout, Cancellation cancellation) {

    Call {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(pathAndQuery, "pathAndQuery");
        Objects.requireNonNull(cancellation, "cancellation");
    }

    static Call get(String pathAndQuery) {
        return new Call("GET", pathAndQuery, null, null, Cancellation.NONE);
    }

    static Call post(String path, byte[] body) {
        return new Call("POST", path, Objects.requireNonNull(body, "body"), null, Cancellation.NONE);
    }

    /** The same request, waiting up to {@code timeout} and abandoned through {@code cancellation}. */
    Call with(Duration timeout, Cancellation cancellation) {
        return new Call(method, pathAndQuery, body, timeout, cancellation);
    }

    /**
     * Whether sending it twice is harmless, so a failure after it was sent may be retried on another
     * node: reads are, publishes are not (the first attempt may have stored the records).
     */
    boolean idempotent() {
        return method.equals("GET");
    }

    @Override
    public String toString() {
        return method + " " + pathAndQuery;
    }
}
