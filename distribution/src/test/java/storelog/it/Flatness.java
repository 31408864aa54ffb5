package storelog.it;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToLongFunction;

/**
 * Whether a node's resources stayed flat over a soak: after the warm-up, the samples are split in
 * thirds and the median of the last third is compared with the median of the first (medians, so one
 * sample taken mid-burst does not decide). A leak grows the last third; noise does not move a median
 * far. Limits: the live heap may grow by at most {@link #HEAP_GROWTH_MIB} MiB or
 * {@link #HEAP_GROWTH_FRACTION} of its first-third size, whichever is larger; descriptors by
 * {@link #FD_GROWTH} (connections come and go with the load), threads by {@link #THREAD_GROWTH}.
 * Resident memory is reported, not judged (it follows the heap's committed size and mapped files).
 */
final class Flatness {

    static final long HEAP_GROWTH_MIB = 16;
    static final double HEAP_GROWTH_FRACTION = 0.20;
    static final long FD_GROWTH = 32;
    static final long THREAD_GROWTH = 8;

    /** One figure of one node: median of the first and of the last third, and whether the growth is within {@code limit}. */
    record Trend(String node, String figure, long first, long last, long limit) {

        long growth() {
            return last - first;
        }

        boolean flat() {
            return growth() <= limit;
        }

        @Override
        public String toString() {
            return String.format("%s %s: %d -> %d (growth %d%s)%s", node, figure, first, last, growth(),
                    limit == Long.MAX_VALUE ? "" : ", limit " + limit, flat() ? "" : " NOT FLAT");
        }
    }

    private Flatness() {
    }

    /** The trends of every node's figures over {@code samples} taken after {@code warmUpSeconds}. */
    static List<Trend> judge(List<ResourceSampler.Sample> samples, double warmUpSeconds) {
        Map<String, List<ResourceSampler.Sample>> byNode = new LinkedHashMap<>();
        samples.stream().filter(s -> s.seconds() >= warmUpSeconds).forEach(s -> byNode.computeIfAbsent(s.node(), n -> new ArrayList<>()).add(s));
        List<Trend> trends = new ArrayList<>();
        byNode.forEach((node, mine) -> {
            if (mine.size() < 3) {
                throw new AssertionError(node + ": " + mine.size() + " samples after the warm-up, too few to judge (run longer)");
            }
            long firstHeap = thirdMedian(mine, 0, ResourceSampler.Sample::liveHeapMiB);
            long heapLimit = Math.max(HEAP_GROWTH_MIB, Math.round(firstHeap * HEAP_GROWTH_FRACTION));
            trends.add(trend(node, "live heap MiB", mine, ResourceSampler.Sample::liveHeapMiB, heapLimit));
            trends.add(trend(node, "open fds", mine, ResourceSampler.Sample::fds, FD_GROWTH));
            trends.add(trend(node, "threads", mine, ResourceSampler.Sample::threads, THREAD_GROWTH));
            trends.add(trend(node, "RSS MiB, not judged", mine, ResourceSampler.Sample::rssMiB, Long.MAX_VALUE));
        });
        return trends;
    }

    private static Trend trend(String node, String figure, List<ResourceSampler.Sample> samples, ToLongFunction<ResourceSampler.Sample> f,
                               long limit) {
        return new Trend(node, figure, thirdMedian(samples, 0, f), thirdMedian(samples, 2, f), limit);
    }

    /** Median of {@code f} over third {@code which} (0, 1, 2) of {@code samples}, leaving out unknown (-1) values. */
    static long thirdMedian(List<ResourceSampler.Sample> samples, int which, ToLongFunction<ResourceSampler.Sample> f) {
        int size = samples.size();
        List<Long> values = samples.subList(which * size / 3, (which + 1) * size / 3).stream().map(f::applyAsLong)
                .filter(v -> v >= 0).sorted().toList();
        if (values.isEmpty()) {
            throw new AssertionError("no value in third " + which + " of " + size + " samples");
        }
        return values.get(values.size() / 2);
    }
}
