package storelog.http;

import java.time.Duration;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;
import java.util.Map;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.Collectors;

/**
 * Request counters and latency histograms per endpoint, and record counters, written in the
 * Prometheus text format. A filter times every request; handlers add what they stored or read.
 * Thread-safe; updates are contention-free ({@link LongAdder}).
 */
final class HttpMetrics implements Filter {

    /** Histogram bucket bounds, seconds. */
    private static final double[] BUCKETS = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10};
    private static final List<String> ENDPOINTS = List.of("/publish", "/publish/batch", "/read", "/records", "/partitions",
            "/status", "/gaps", "/replicate", "/health", "/health/live", "/health/ready", "/metrics", "other");

    /** Each endpoint's series by its path ({@code other} for any other path); fixed, so a request looks up one map. */
    private final Map<String, Endpoint> endpoints = ENDPOINTS.stream().collect(Collectors.toUnmodifiableMap(e -> e, e -> new Endpoint()));
    private final Endpoint other = endpoints.get("other");
    private final LongAdder recordsPublished = new LongAdder();
    private final LongAdder bytesPublished = new LongAdder();
    private final LongAdder recordsRead = new LongAdder();
    /** Requests being handled now (between this filter's start and end). */
    private final AtomicLong inFlight = new AtomicLong();

    /** An endpoint's request counters by status and its latency histogram (written once it has a request). */
    private static final class Endpoint {
        final ConcurrentMap<Integer, LongAdder> requests = new ConcurrentHashMap<>();
        final Histogram latency = new Histogram();
    }

    private static final class Histogram {
        final LongAdder[] buckets = new LongAdder[BUCKETS.length];
        final LongAdder count = new LongAdder();
        final LongAdder sumNanos = new LongAdder();

        Histogram() {
            for (int i = 0; i < buckets.length; i++) {
                buckets[i] = new LongAdder();
            }
        }

        void record(long nanos) {
            double seconds = nanos / 1e9;
            for (int i = 0; i < BUCKETS.length; i++) {
                if (seconds <= BUCKETS[i]) {
                    buckets[i].increment();
                    break;
                }
            }
            count.increment();
            sumNanos.add(nanos);
        }
    }

    @Override
    public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
        long start = System.nanoTime();
        inFlight.incrementAndGet();
        try {
            chain.proceed();
        } finally {
            if (inFlight.decrementAndGet() == 0) {
                synchronized (inFlight) {
                    inFlight.notifyAll();
                }
            }
            Endpoint endpoint = endpoints.getOrDefault(req.path().path(), other);
            endpoint.requests.computeIfAbsent(res.status().code(), k -> new LongAdder()).increment();
            endpoint.latency.record(System.nanoTime() - start);
        }
    }

    /** Waits, at most {@code timeout}, until no request is being handled; returns whether none is. */
    boolean awaitIdle(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (inFlight) {
            while (inFlight.get() > 0) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                TimeUnit.NANOSECONDS.timedWait(inFlight, left);
            }
        }
        return true;
    }

    void published(long records, long bytes) {
        recordsPublished.add(records);
        bytesPublished.add(bytes);
    }

    void read(long records) {
        recordsRead.add(records);
    }

    /** The HTTP series and record counters in Prometheus text format. */
    void write(StringBuilder out) {
        out.append("# HELP storelog_http_requests_total HTTP requests by endpoint and status.\n");
        out.append("# TYPE storelog_http_requests_total counter\n");
        Map<String, LongAdder> requests = new TreeMap<>(); // by endpoint, then status as text: the order of the series
        Map<String, Histogram> latency = new TreeMap<>();
        endpoints.forEach((name, endpoint) -> {
            endpoint.requests.forEach((status, n) -> requests.put(name + "\0" + status, n));
            if (endpoint.latency.count.sum() > 0) {
                latency.put(name, endpoint.latency);
            }
        });
        requests.forEach((key, n) -> {
            String[] parts = key.split("\0");
            out.append("storelog_http_requests_total{endpoint=\"").append(parts[0]).append("\",status=\"")
                    .append(parts[1]).append("\"} ").append(n.sum()).append('\n');
        });
        out.append("# HELP storelog_http_request_duration_seconds HTTP request latency by endpoint.\n");
        out.append("# TYPE storelog_http_request_duration_seconds histogram\n");
        latency.forEach((endpoint, h) -> {
            long cumulative = 0;
            for (int i = 0; i < BUCKETS.length; i++) {
                cumulative += h.buckets[i].sum();
                out.append("storelog_http_request_duration_seconds_bucket{endpoint=\"").append(endpoint).append("\",le=\"")
                        .append(BUCKETS[i]).append("\"} ").append(cumulative).append('\n');
            }
            long count = h.count.sum();
            out.append("storelog_http_request_duration_seconds_bucket{endpoint=\"").append(endpoint)
                    .append("\",le=\"+Inf\"} ").append(count).append('\n');
            out.append("storelog_http_request_duration_seconds_sum{endpoint=\"").append(endpoint).append("\"} ")
                    .append(h.sumNanos.sum() / 1e9).append('\n');
            out.append("storelog_http_request_duration_seconds_count{endpoint=\"").append(endpoint).append("\"} ")
                    .append(count).append('\n');
        });
        counter(out, "storelog_records_published_total", "Records stored by publish and batch requests.", recordsPublished.sum());
        counter(out, "storelog_bytes_published_total", "Payload bytes stored by publish and batch requests.", bytesPublished.sum());
        counter(out, "storelog_records_read_total", "Records returned by read requests.", recordsRead.sum());
    }

    /**
     * Series of a plugin or component: names ending in {@code _total} are counters, the rest gauges; a
     * name may carry labels ({@code lag_records{node="n2"}}), one {@code # TYPE} line per family.
     */
    static void write(StringBuilder out, String prefix, Map<String, Long> values) {
        String[] family = {null};
        new TreeMap<>(values).forEach((name, value) -> {
            int brace = name.indexOf('{');
            String base = prefix + (brace < 0 ? name : name.substring(0, brace));
            if (!base.equals(family[0])) {
                family[0] = base;
                out.append("# TYPE ").append(base).append(base.endsWith("_total") ? " counter\n" : " gauge\n");
            }
            out.append(prefix).append(name).append(' ').append(value).append('\n');
        });
    }

    private static void counter(StringBuilder out, String name, String help, long value) {
        out.append("# HELP ").append(name).append(' ').append(help).append('\n');
        out.append("# TYPE ").append(name).append(" counter\n");
        out.append(name).append(' ').append(value).append('\n');
    }
}
