package storelog.it;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Samples every node's resources every {@link #EVERY} while a soak runs: open file descriptors
 * ({@code /proc/<pid>/fd}), threads and resident memory ({@code /proc/<pid>/status}), the heap after
 * the last collection and the <em>live heap</em> (the heap after a full collection, from
 * {@link GcLog}), and the node's role and epoch ({@code /status}: a leader change in a fault-free run
 * is an error).
 *
 * <p>The live heap needs full collections, which a node under a steady load may not run for many
 * minutes (its old generation fills slowly with what young collections promoted): the sampler asks for
 * one itself, {@code jcmd <pid> GC.run} from the test's JDK (the image's JVM accepts the attach like
 * any HotSpot JVM), on one node per sample in turn, so each node has one every
 * {@code nodes × EVERY}. Its pause is part of the measured latency, as a collection would be.
 */
final class ResourceSampler implements AutoCloseable {

    static final Duration EVERY = Duration.ofSeconds(5);
    private static final Pattern THREADS = Pattern.compile("(?m)^Threads:\\s+(\\d+)");
    private static final Pattern RSS = Pattern.compile("(?m)^VmRSS:\\s+(\\d+) kB");

    /** One node's figures at {@code seconds} since the sampler started; -1 where unknown. */
    record Sample(double seconds, String node, long heapAfterGcMiB, long liveHeapMiB, long fds, long threads, long rssMiB,
                  String role, long epoch) {
    }

    private final List<ImageNode> nodes;
    private final List<GcLog> gcLogs;
    private final List<Sample> samples = new CopyOnWriteArrayList<>();
    private final Thread thread;
    private final long t0 = System.nanoTime();
    private volatile boolean running = true;

    /** Starts sampling {@code nodes}, whose GC logs {@code gcLogs} (same order) read. */
    ResourceSampler(List<ImageNode> nodes, List<GcLog> gcLogs) {
        this.nodes = List.copyOf(nodes);
        this.gcLogs = List.copyOf(gcLogs);
        thread = Thread.ofPlatform().daemon().name("resource-sampler").start(this::run);
    }

    private void run() {
        long next = System.nanoTime();
        for (int tick = 0; running; tick++) {
            int collect = tick % nodes.size();
            for (int i = 0; i < nodes.size() && running; i++) {
                if (i == collect) {
                    fullCollection(nodes.get(i));
                }
                samples.add(sample(nodes.get(i), gcLogs.get(i)));
            }
            next += EVERY.toNanos();
            long wait = next - System.nanoTime();
            if (wait > 0) {
                TestCluster.pause(TimeUnit.NANOSECONDS.toMillis(wait)); // the sampling period, not a synchronisation
            }
        }
    }

    private Sample sample(ImageNode node, GcLog gc) {
        gc.update();
        long pid = node.pid();
        String status = read(Path.of("/proc", Long.toString(pid), "status"));
        JsonNode s = node.status();
        return new Sample((System.nanoTime() - t0) / 1e9, node.id(), gc.afterLast(), gc.afterLastFull(), fds(pid),
                number(THREADS, status), number(RSS, status) >> 10, s == null ? "none" : s.path("role").asText("none"),
                s == null ? -1 : s.path("epoch").asLong(-1));
    }

    /** {@code jcmd <pid> GC.run}: a full collection now, which the node's GC log reports. */
    private static void fullCollection(ImageNode node) {
        try {
            Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
            Process p = new ProcessBuilder(jcmd.toString(), Long.toString(node.pid()), "GC.run").redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static long fds(long pid) {
        try (Stream<Path> fds = Files.list(Path.of("/proc", Long.toString(pid), "fd"))) {
            return fds.count();
        } catch (IOException e) {
            return -1;
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            return "";
        }
    }

    private static long number(Pattern pattern, String text) {
        Matcher m = pattern.matcher(text);
        return m.find() ? Long.parseLong(m.group(1)) : -1;
    }

    /** Every sample so far, in the order taken. */
    List<Sample> samples() {
        return new ArrayList<>(samples);
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        thread.interrupt();
        thread.join(60_000);
    }
}
