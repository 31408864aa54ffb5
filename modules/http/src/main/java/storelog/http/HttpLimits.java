package storelog.http;

/**
 * The limits every request is held to, set explicitly rather than left to library defaults.
 *
 * @param maxBodyBytes  largest request body ({@code MAX_BODY_BYTES}); larger is 413
 * @param maxJsonDepth  deepest JSON nesting in a body; deeper is 400
 * @param maxWaitMillis longest {@code wait_ms} of a tailing read
 */
public record HttpLimits(long maxBodyBytes, int maxJsonDepth, long maxWaitMillis) {

    public static final long DEFAULT_MAX_BODY_BYTES = 8L << 20;
    public static final int DEFAULT_MAX_JSON_DEPTH = storelog.core.WireFormat.DEFAULT_MAX_DEPTH;
    public static final long DEFAULT_MAX_WAIT_MILLIS = 60_000;

    public static HttpLimits defaults() {
        return new HttpLimits(DEFAULT_MAX_BODY_BYTES, DEFAULT_MAX_JSON_DEPTH, DEFAULT_MAX_WAIT_MILLIS);
    }
}
