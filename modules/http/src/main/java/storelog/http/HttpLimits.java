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

    /**
     * The payload limit to give Helidon's listener: twice the body limit, so bodies a little over
     * the limit reach the handler, which answers 413 with the JSON error after draining them;
     * beyond this Helidon refuses the request itself (with the same JSON error body).
     */
    public long listenerPayloadLimit() {
        return maxBodyBytes * 2 + 64 * 1024;
    }

    public static HttpLimits defaults() {
        return new HttpLimits(DEFAULT_MAX_BODY_BYTES, DEFAULT_MAX_JSON_DEPTH, DEFAULT_MAX_WAIT_MILLIS);
    }
}
