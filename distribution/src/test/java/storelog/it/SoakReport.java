package storelog.it;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * What a soak leaves behind in its output folder, all named {@code soak-<stamp>...}: the figures as
 * JSON ({@code .json}: rates, latency percentiles, errors by kind, the checker's counts, the
 * resource trends), every resource sample as CSV ({@code -samples.csv}), one PNG per node with its
 * resource curves ({@code -<node>.png}) and one with latency over time ({@code -latency.png}: p50,
 * p99 and max of each 10 s of intended start times).
 */
final class SoakReport {

    private final Path dir;
    private final String stamp;
    private final Map<String, Object> json = new LinkedHashMap<>();
    private final List<Path> files = new ArrayList<>();

    SoakReport(Path dir, String stamp) {
        this.dir = dir.toAbsolutePath();
        this.stamp = stamp;
    }

    /** Adds a top-level entry of the JSON file. */
    SoakReport put(String key, Object value) {
        json.put(key, value);
        return this;
    }

    /** Percentiles of {@code micros} as milliseconds. */
    static Map<String, Object> latency(Histogram micros) {
        Map<String, Object> l = new LinkedHashMap<>();
        l.put("count", micros.getTotalCount());
        for (double p : new double[] {50, 90, 99, 99.9}) {
            l.put("p" + (p == Math.rint(p) ? Long.toString((long) p) : Double.toString(p)), micros.getValueAtPercentile(p) / 1000.0);
        }
        l.put("max", micros.getMaxValue() / 1000.0);
        return l;
    }

    /** The CSV of every sample and one PNG per node of its curves. */
    SoakReport resources(List<ResourceSampler.Sample> samples, List<String> nodes) {
        StringBuilder csv = new StringBuilder("seconds,node,heap_after_gc_mib,live_heap_mib,fds,threads,rss_mib,role,epoch\n");
        samples.forEach(s -> csv.append(String.format("%.1f,%s,%d,%d,%d,%d,%d,%s,%d%n", s.seconds(), s.node(), s.heapAfterGcMiB(),
                s.liveHeapMiB(), s.fds(), s.threads(), s.rssMiB(), s.role(), s.epoch())));
        write(file("-samples.csv"), csv.toString());
        for (String node : nodes) {
            List<ResourceSampler.Sample> mine = samples.stream().filter(s -> s.node().equals(node)).toList();
            double[] x = mine.stream().mapToDouble(ResourceSampler.Sample::seconds).toArray();
            Plot.write(file("-" + node + ".png"), "StoreLog soak, " + node + " (samples every " + ResourceSampler.EVERY.toSeconds() + " s)",
                    "s", List.of(
                            new Plot.Panel("heap, MiB", List.of(
                                    new Plot.Series("after the last GC", x, values(mine, ResourceSampler.Sample::heapAfterGcMiB)),
                                    new Plot.Series("live (after the last full GC)", x, values(mine, ResourceSampler.Sample::liveHeapMiB)))),
                            new Plot.Panel("open file descriptors", List.of(new Plot.Series("fds", x, values(mine, ResourceSampler.Sample::fds)))),
                            new Plot.Panel("threads", List.of(new Plot.Series("threads", x, values(mine, ResourceSampler.Sample::threads)))),
                            new Plot.Panel("resident memory, MiB", List.of(new Plot.Series("RSS", x, values(mine, ResourceSampler.Sample::rssMiB))))));
        }
        return this;
    }

    /** The latency-over-time PNG and its p99 series in the JSON ({@code latency_p99_ms_by_10s}). */
    SoakReport latencyOverTime(Map<Long, Histogram> windows) {
        double seconds = OpenLoopPublishers.WINDOW.toSeconds();
        double[] x = windows.keySet().stream().mapToDouble(w -> (w + 1) * seconds).toArray();
        double[] p50 = windows.values().stream().mapToDouble(h -> h.getValueAtPercentile(50) / 1000.0).toArray();
        double[] p99 = windows.values().stream().mapToDouble(h -> h.getValueAtPercentile(99) / 1000.0).toArray();
        double[] max = windows.values().stream().mapToDouble(h -> h.getMaxValue() / 1000.0).toArray();
        json.put("latency_p99_ms_by_10s", p99);
        Plot.write(file("-latency.png"), "StoreLog soak: publish latency from intended start, per " + (long) seconds + " s", "s", List.of(
                new Plot.Panel("p50 and p99, ms", List.of(new Plot.Series("p50", x, p50), new Plot.Series("p99", x, p99))),
                new Plot.Panel("max, ms", List.of(new Plot.Series("max", x, max)))));
        return this;
    }

    /** Writes the JSON; returns every file written. */
    List<Path> finish() {
        try {
            json.put("files", files.stream().map(p -> p.getFileName().toString()).toList());
            write(file(".json"), new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(json) + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return List.copyOf(files);
    }

    private static double[] values(List<ResourceSampler.Sample> samples, java.util.function.ToLongFunction<ResourceSampler.Sample> f) {
        return samples.stream().mapToDouble(s -> Math.max(0, f.applyAsLong(s))).toArray();
    }

    private Path file(String suffix) {
        Path file = dir.resolve("soak-" + stamp + suffix);
        files.add(file);
        return file;
    }

    private static void write(Path file, String text) {
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
