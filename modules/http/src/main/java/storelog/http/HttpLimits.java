package storelog.http;

import storelog.core.LogService;

/**
 * The limits every request and connection is held to, set explicitly rather than left to library
 * defaults (Helidon's are "unlimited").
 *
 * @param maxBodyBytes          largest request body ({@code MAX_BODY_BYTES}); larger is 413
 * @param maxJsonDepth          deepest JSON nesting in a body ({@code MAX_JSON_DEPTH}); deeper is 400
 * @param maxWaitMillis         longest wait of a tailing read ({@code MAX_WAIT_MS}); a longer {@code wait_ms} is capped to it
 * @param maxConnections        most TCP connections the listener holds at once ({@code MAX_CONNECTIONS}); beyond,
 *                              new connections wait in the accept backlog until one closes
 * @param maxConcurrentRequests most requests handled at once ({@code MAX_CONCURRENT_REQUESTS}); beyond, 503
 *                              {@code too_many_requests} with {@code Retry-After}
 * @param maxLongPolls          most reads waiting for new records at once ({@code MAX_LONG_POLLS}); beyond, 503
 *                              {@code too_many_long_polls} with {@code Retry-After}; below {@code maxConcurrentRequests}
 *                              so that waiting reads never take every request slot
 */
public record HttpLimits(long maxBodyBytes, int maxJsonDepth, long maxWaitMillis, int maxConnections,
                         int maxConcurrentRequests, int maxLongPolls) {

    public static final long DEFAULT_MAX_BODY_BYTES = 8L << 20;
    public static final int DEFAULT_MAX_JSON_DEPTH = storelog.core.WireFormat.DEFAULT_MAX_DEPTH;
    public static final long DEFAULT_MAX_WAIT_MILLIS = 60_000;
    public static final int DEFAULT_MAX_CONNECTIONS = 4096;
    public static final int DEFAULT_MAX_CONCURRENT_REQUESTS = 1024;
    public static final int DEFAULT_MAX_LONG_POLLS = LogService.DEFAULT_MAX_LONG_POLLS;

    public HttpLimits {
        if (maxLongPolls >= maxConcurrentRequests) {
            throw new IllegalArgumentException("maxLongPolls (" + maxLongPolls + ") must be below maxConcurrentRequests ("
                    + maxConcurrentRequests + ")");
        }
    }

    /**
     * The payload limit to give Helidon's listener: twice the body limit, so bodies a little over
     * the limit reach the handler, which answers 413 with the JSON error after draining them;
     * beyond this Helidon refuses the request itself (with the same JSON error body).
     */
    public long listenerPayloadLimit() {
        return maxBodyBytes * 2 + 64 * 1024;
    }

    public static HttpLimits defaults() {
        return new HttpLimits(DEFAULT_MAX_BODY_BYTES, DEFAULT_MAX_JSON_DEPTH, DEFAULT_MAX_WAIT_MILLIS, DEFAULT_MAX_CONNECTIONS,
                DEFAULT_MAX_CONCURRENT_REQUESTS, DEFAULT_MAX_LONG_POLLS);
    }

    /** These limits with another body limit. */
    public HttpLimits withMaxBodyBytes(long bytes) {
        return new HttpLimits(bytes, maxJsonDepth, maxWaitMillis, maxConnections, maxConcurrentRequests, maxLongPolls);
    }

    /** These limits with another longest wait of a tailing read. */
    public HttpLimits withMaxWaitMillis(long millis) {
        return new HttpLimits(maxBodyBytes, maxJsonDepth, millis, maxConnections, maxConcurrentRequests, maxLongPolls);
    }

    /** These limits with other bounds on connections, concurrent requests and waiting reads. */
    public HttpLimits withConcurrency(int connections, int concurrentRequests, int longPolls) {
        return new HttpLimits(maxBodyBytes, maxJsonDepth, maxWaitMillis, connections, concurrentRequests, longPolls);
    }
}
