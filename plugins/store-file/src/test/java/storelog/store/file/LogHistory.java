package storelog.store.file;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import storelog.api.PartitionKey;

/**
 * A history of concurrent operations on one engine, checked against the sequential model of an
 * append-only log that is never truncated: per partition a next offset that only grows, a partition
 * that exists exactly when it holds records, each offset holding the payload of the one append that
 * got it.
 *
 * <p>Every operation is recorded with its invocation and response times ({@link System#nanoTime()})
 * and what it tells about its partition's next offset at its linearization point: at least
 * {@code lower} (an append that got offsets up to {@code lower - 1}, a read of {@code lower - 1}),
 * at most {@code upper} (a read that was out of range, an absent partition), or exactly (an
 * {@code info}). A history is linearizable for this model only if (checked here):
 * <ul>
 *   <li>an operation that ended before another started never saw a larger next offset than the later
 *       one can see at most (real-time order, the offset never shrinks);</li>
 *   <li>no operation saw more records than appends had been invoked before it ended (no future);</li>
 *   <li>no existing partition was seen with next offset 0;</li>
 *   <li>every payload read at an offset is the one the append that got that offset wrote.</li>
 * </ul>
 * Thread-safe recording; checking runs after the workload.
 */
final class LogHistory {

    /** What one operation tells about its partition's next offset. {@code -1} / {@code Long.MAX_VALUE}: nothing. */
    record Observation(PartitionKey key, long start, long end, long lower, long upper, String what) {
    }

    /** A record an append stored (known from its answer). */
    record Written(PartitionKey key, long offset, String payload, long start) {
    }

    /** A record a read returned. */
    record Seen(PartitionKey key, long offset, String payload, long end, String what) {
    }

    private final ConcurrentLinkedQueue<Observation> observations = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<Written> written = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<Seen> seen = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<String> violations = new ConcurrentLinkedQueue<>();

    void observed(PartitionKey key, long start, long end, long lower, long upper, String what) {
        observations.add(new Observation(key, start, end, lower, upper, what));
    }

    /** The partition was seen to exist with {@code next} records (info, partitions, an out-of-range answer). */
    void existed(PartitionKey key, long start, long end, long next, String what) {
        if (next == 0) {
            violations.add(what + ": partition " + key + " is visible with next offset 0");
        }
        observed(key, start, end, next, next, what);
    }

    void absent(PartitionKey key, long start, long end, String what) {
        observed(key, start, end, -1, 0, what);
    }

    void wrote(PartitionKey key, long offset, String payload, long start) {
        written.add(new Written(key, offset, payload, start));
    }

    void read(PartitionKey key, long offset, String payload, long end, String what) {
        seen.add(new Seen(key, offset, payload, end, what));
    }

    void violation(String what) {
        violations.add(what);
    }

    /** Records written per partition, by offset. */
    Map<PartitionKey, Map<Long, Written>> writtenByKey() {
        Map<PartitionKey, Map<Long, Written>> byKey = new HashMap<>();
        for (Written w : written) {
            Written before = byKey.computeIfAbsent(w.key(), k -> new HashMap<>()).put(w.offset(), w);
            if (before != null) {
                violations.add("offset " + w.offset() + " of " + w.key() + " was given to two appends: "
                        + before.payload() + " and " + w.payload());
            }
        }
        return byKey;
    }

    /** Violations printed at most; the rest are counted. */
    private static final int SHOWN = 25;

    /** The violations of the model found in the history, the first {@value #SHOWN} (empty when it is linearizable for it). */
    List<String> violations() {
        Map<PartitionKey, Map<Long, Written>> byKey = writtenByKey();
        checkRealTimeOrder();
        checkNoFuture();
        for (Seen s : seen) {
            Written w = byKey.getOrDefault(s.key(), Map.of()).get(s.offset());
            if (w == null || !w.payload().equals(s.payload())) {
                violations.add(s.what() + " read " + s.payload() + " at offset " + s.offset() + " of " + s.key()
                        + ", but the append that got that offset wrote " + (w == null ? "nothing" : w.payload()));
            } else if (w.start() > s.end()) {
                violations.add(s.what() + " read offset " + s.offset() + " of " + s.key() + " before its append began");
            }
        }
        List<String> all = new ArrayList<>(violations);
        violations.clear();
        if (all.size() <= SHOWN) {
            return all;
        }
        List<String> shown = new ArrayList<>(all.subList(0, SHOWN));
        shown.add("... and " + (all.size() - SHOWN) + " more");
        return shown;
    }

    /** For each pair A ended before B started (same key): A's lower bound must not exceed B's upper bound. */
    private void checkRealTimeOrder() {
        for (List<Observation> ofKey : byKey(observations).values()) {
            List<Observation> byEnd = new ArrayList<>(ofKey);
            byEnd.sort(Comparator.comparingLong(Observation::end));
            long[] ends = new long[byEnd.size()];
            long[] maxLower = new long[byEnd.size()];
            int[] argMax = new int[byEnd.size()];
            for (int i = 0; i < byEnd.size(); i++) {
                ends[i] = byEnd.get(i).end();
                boolean higher = i == 0 || byEnd.get(i).lower() > maxLower[i - 1];
                maxLower[i] = higher ? byEnd.get(i).lower() : maxLower[i - 1];
                argMax[i] = higher ? i : argMax[i - 1];
            }
            for (Observation b : ofKey) {
                if (b.upper() == Long.MAX_VALUE) {
                    continue;
                }
                int before = lastBelow(ends, b.start());
                if (before >= 0 && maxLower[before] > b.upper()) {
                    Observation a = byEnd.get(argMax[before]);
                    violations.add(a.what() + " saw next offset >= " + a.lower() + " of " + a.key() + " and ended before "
                            + b.what() + " began, which saw it <= " + b.upper());
                }
            }
        }
    }

    /** No observation may count more records than appends (of its key) had begun before it ended. */
    private void checkNoFuture() {
        Map<PartitionKey, List<Written>> writes = new HashMap<>();
        for (Written w : written) {
            writes.computeIfAbsent(w.key(), k -> new ArrayList<>()).add(w);
        }
        for (Map.Entry<PartitionKey, List<Observation>> e : byKey(observations).entrySet()) {
            long[] starts = writes.getOrDefault(e.getKey(), List.of()).stream().mapToLong(Written::start).sorted().toArray();
            for (Observation o : e.getValue()) {
                long begun = lastBelow(starts, o.end()) + 1;
                if (o.lower() > begun) {
                    violations.add(o.what() + " saw " + o.lower() + " records of " + o.key() + " when only " + begun
                            + " had been appended");
                }
            }
        }
    }

    private static Map<PartitionKey, List<Observation>> byKey(Iterable<Observation> all) {
        Map<PartitionKey, List<Observation>> map = new HashMap<>();
        for (Observation o : all) {
            map.computeIfAbsent(o.key(), k -> new ArrayList<>()).add(o);
        }
        return map;
    }

    /** Index of the last element of sorted {@code values} strictly below {@code limit}, or -1. */
    private static int lastBelow(long[] values, long limit) {
        int i = Arrays.binarySearch(values, limit);
        if (i < 0) {
            return -i - 2;
        }
        while (i > 0 && values[i - 1] == limit) {
            i--;
        }
        return i - 1;
    }
}
