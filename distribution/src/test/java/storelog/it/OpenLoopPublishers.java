package storelog.it;

import java.net.http.HttpClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;
import storelog.testkit.History;

/**
 * An open-loop load generator: single-record publishes at a fixed rate, each scheduled at its
 * <em>intended</em> start time ({@code t0 + i / rate}) and sent on a virtual thread of its own, so a
 * slow answer never delays the next request (no coordinated omission). Latency runs from the intended
 * start to the answer, whatever the answer, and goes into HdrHistograms: one for the whole run and one
 * per {@link #WINDOW} of intended start time (the latency-over-time curve). Every publish is recorded
 * in a {@link History}; every answer that is not an acknowledgement counts in {@link ErrorKinds}.
 *
 * <p>Payloads are unique ids padded to {@link #PAYLOAD_BYTES} ({@code "o-<n>-xxx..."}); request
 * {@code n} goes to partition {@code n mod partitions}, on whichever node {@code target} names.
 */
final class OpenLoopPublishers implements AutoCloseable {

    static final Duration WINDOW = Duration.ofSeconds(10);
    static final int PAYLOAD_BYTES = 100;
    private static final long HIGHEST_MICROS = TimeUnit.SECONDS.toMicros(60);

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    private final ExecutorService requests = Executors.newVirtualThreadPerTaskExecutor();
    private final Histogram all = new ConcurrentHistogram(HIGHEST_MICROS, 3);
    private final Map<Long, Histogram> windows = new ConcurrentHashMap<>();
    private final AtomicLong acknowledged = new AtomicLong();
    private final AtomicLong behind = new AtomicLong();
    private final History history;
    private final ErrorKinds errors;
    private final Thread scheduler;
    private final long t0;
    private final long periodNanos;
    private volatile boolean running = true;
    private volatile long sent;
    private volatile long stoppedAt;

    /** Starts sending {@code perSecond} publishes a second until {@link #close()}. */
    OpenLoopPublishers(double perSecond, List<String> partitions, Supplier<ImageNode> target, History history, ErrorKinds errors) {
        this.history = history;
        this.errors = errors;
        this.periodNanos = Math.max(1, Math.round(1e9 / perSecond));
        this.t0 = System.nanoTime();
        scheduler = Thread.ofPlatform().name("open-loop").start(() -> {
            for (long n = 0; running; n++) {
                long intended = t0 + n * periodNanos;
                if (System.nanoTime() - intended > periodNanos) {
                    behind.incrementAndGet(); // the scheduler itself was late; the latency still counts from `intended`
                }
                for (long wait = intended - System.nanoTime(); wait > 0; wait = intended - System.nanoTime()) {
                    LockSupport.parkNanos(wait);
                }
                long request = n;
                requests.execute(() -> publish(request, intended, partitions.get((int) (request % partitions.size())), target.get()));
                sent = n + 1;
            }
            stoppedAt = System.nanoTime();
        });
    }

    private void publish(long n, long intended, String partition, ImageNode node) {
        String id = "o-" + n + "-";
        String payload = id + "x".repeat(Math.max(0, PAYLOAD_BYTES - id.length()));
        Writers.Sent result = Writers.send(http, history, "open-loop", node, partition, payload, intended);
        long micros = Math.max(0, (System.nanoTime() - intended) / 1_000);
        all.recordValue(Math.min(micros, HIGHEST_MICROS));
        windows.computeIfAbsent((intended - t0) / WINDOW.toNanos(), w -> new ConcurrentHistogram(HIGHEST_MICROS, 3))
                .recordValue(Math.min(micros, HIGHEST_MICROS));
        if (result.outcome() == History.Outcome.ACKNOWLEDGED) {
            acknowledged.incrementAndGet();
        } else {
            errors.addDetail(result.detail());
        }
    }

    /** Latency (µs, from intended start) of every request sent. */
    Histogram latency() {
        return all;
    }

    /** Latency per window of intended start time, by window number (0 = the first {@link #WINDOW}). */
    Map<Long, Histogram> latencyByWindow() {
        return new java.util.TreeMap<>(windows);
    }

    /** The intended rate, per second. */
    double intendedRate() {
        return 1e9 / periodNanos;
    }

    /** Requests sent per second of the run (after {@link #close()}). */
    double sentRate() {
        return sent * 1e9 / Math.max(1, stoppedAt - t0);
    }

    /** Acknowledged publishes per second of the run (after {@link #close()}). */
    double acknowledgedRate() {
        return acknowledged.get() * 1e9 / Math.max(1, stoppedAt - t0);
    }

    long sent() {
        return sent;
    }

    /** How often the scheduler itself fell more than one period behind (the test JVM starved of CPU). */
    long schedulerBehind() {
        return behind.get();
    }

    /** Stops scheduling and waits (up to 30 s) for the requests in flight to be answered. */
    @Override
    public void close() throws InterruptedException {
        running = false;
        scheduler.join();
        requests.shutdown();
        if (!requests.awaitTermination(30, TimeUnit.SECONDS)) {
            throw new AssertionError("requests still in flight 30 s after the load stopped");
        }
    }
}
