package storelog.store.file;

import java.io.IOException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The partitions {@code /metrics} counts, without a walk of {@code DATA_DIR} per call (a {@code stat}
 * per entry: 1.4–2.2 s at 100,000 partitions right after a crash). The partitions are those with a
 * directory in {@code DATA_DIR}, as a walk ({@link PartitionWalk}) finds them; they are
 * <ul>
 *   <li>the ones this run found there, counted by one walk ({@link PartitionTable#counts}) — at the
 *       first call, or first thing when the background recovery starts, never at the open — a fixed
 *       set, as nothing removes a partition's directory; and how many of them needed crash recovery
 *       when the engine opened ({@link DataDirectory#needsRecovery});</li>
 *   <li>plus the ones this run made, counted as their directories are created
 *       ({@link StoreContext#createPartitionDirectory}). The walk skips those: a partition made in
 *       this run is known to the table as made before its directory exists, so a walk that sees the
 *       directory knows not to count it.</li>
 * </ul>
 * Awaiting recovery are those that needed it less those whose recovery ran (a partition's recovery
 * runs once: {@link #recovered()} from its load). So both figures are exact at any moment once
 * counted, whatever runs meanwhile. A directory removed or made by hand while the engine runs is not
 * seen until the next open. Thread-safe.
 */
final class PartitionCount {

    /** What one walk found: partitions not made by this run, and those of them that needed crash recovery. */
    record Found(long partitions, long neededRecovery) {
    }

    /** What {@code /metrics} shows: partitions with a directory, and those of them still awaiting crash recovery. */
    record Counts(long partitions, long awaitingRecovery) {
    }

    /** The walk that counts what this run found on disk. */
    @FunctionalInterface
    interface Walk {
        Found count() throws IOException;
    }

    private final AtomicLong made = new AtomicLong();
    private final AtomicLong recovered = new AtomicLong();
    /** Held by the one caller that walks; the others wait for its count rather than walk too. */
    private final ReentrantLock counting = new ReentrantLock();
    private volatile Found found;

    /** A partition's directory was created by this run. */
    void directoryMade() {
        made.incrementAndGet();
    }

    /** A partition that needed crash recovery at the open has been recovered. */
    void recovered() {
        recovered.incrementAndGet();
    }

    /**
     * The counts now. {@code walk} runs at the first call only, and again after a walk that failed
     * (its error is thrown, nothing is kept); concurrent first callers wait for one walk.
     */
    Counts counts(Walk walk) throws IOException {
        Found f = found;
        if (f == null) {
            counting.lock();
            try {
                f = found;
                if (f == null) {
                    f = walk.count();
                    found = f;
                }
            } finally {
                counting.unlock();
            }
        }
        return new Counts(f.partitions() + made.get(), f.neededRecovery() - recovered.get());
    }
}
