package storelog.store.file;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import storelog.api.PartitionKey;
import storelog.api.StorageFailedException;

/**
 * Loading a partition on its first use: its segments are read from disk and recovered as its
 * {@link DataDirectory.Recovery} asks ({@link PartitionRecovery}); the segment list, the epoch history,
 * what readers see, the durable mark and the durability policy then start from what was found. A load
 * that fails fails this partition only, and the next use tries again — unless an fsync failed: then
 * the partition failed closed until StoreLog restarts (the kernel may have dropped the bytes the fsync
 * was for, and a second fsync would report success). {@link #loadIfNeeded} runs under the partition
 * lock; whether the partition loaded is read from any thread.
 */
final class PartitionLoader {

    private final PartitionKey key;
    private final Path dir;
    private final StoreContext context;
    /** How loading must recover the partition ({@link DataDirectory#recoveryOf}). */
    private final DataDirectory.Recovery recovery;
    private final Durability durability;
    private final SegmentList segments;
    private final Visibility visibility;
    private final EpochHistory history;
    private final AppendRollback rollback;
    private final WriteGate gate;
    private volatile boolean loaded;
    /** Whether the last attempt to load failed (a metric; the next use tries again). */
    private volatile boolean loadFailed;

    /** Loads partition {@code key} (in {@code dir}), recovered as {@code recovery} asks, into its collaborators. */
    PartitionLoader(PartitionKey key, Path dir, StoreContext context, DataDirectory.Recovery recovery, Durability durability,
            SegmentList segments, Visibility visibility, EpochHistory history, AppendRollback rollback, WriteGate gate) {
        this.key = key;
        this.dir = dir;
        this.context = context;
        this.recovery = recovery;
        this.durability = durability;
        this.segments = segments;
        this.visibility = visibility;
        this.history = history;
        this.rollback = rollback;
        this.gate = gate;
    }

    /** Whether the partition loaded (any thread). */
    boolean loaded() {
        return loaded;
    }

    /** Whether the last attempt to load failed (any thread). */
    boolean failed() {
        return loadFailed;
    }

    /** Whether the partition still awaits its crash recovery (any thread). */
    boolean awaitsRecovery() {
        return recovery != DataDirectory.Recovery.NONE && !loaded;
    }

    /** Loads the partition unless it loaded already (lock held). */
    void loadIfNeeded() {
        try {
            if (!loaded) {
                loadFailed = true; // until it succeeded
                load();
                loadFailed = false;
            }
        } catch (UnrecoverableWriteException e) { // a failed fsync is never retried into success: failed until a restart
            throw gate.failClosed(e);
        } catch (IOException e) {
            throw new StorageFailedException("cannot open partition " + key + " in " + dir + ": " + e, e);
        }
    }

    private void load() throws IOException {
        // What the crashed runs left unforced depends on their policy, not on this run's (which has written
        // nothing to the partition yet): .unforced-rolls says whether any of them ran under interval|never.
        // Without it every acknowledged record was forced, and damage in one is damage (kept in place, the
        // records after it served), never a torn write to cut the log at.
        boolean afterUnforced = recovery == DataDirectory.Recovery.CRASH_AFTER_UNFORCED_ROLLS;
        int sealedToCheck = afterUnforced ? BackgroundFlush.MAX_PENDING : 0;
        // the active segment of a crashed run under interval|never may be torn anywhere, like its sealed ones
        SegmentFiles.Found recovered = PartitionRecovery.recover(key, dir, context, sealedToCheck,
                afterUnforced, recovery != DataDirectory.Recovery.NONE);
        List<Segment> found = recovered.segments();
        segments.load(found);
        visibility.loaded(!found.isEmpty());
        long next = segments.nextOffset();
        history.load(next, recovered.epochHistory());
        visibility.publish(next);
        rollback.durableUpTo(segments.mark());
        durability.durable(next);
        loaded = true;
        if (recovery != DataDirectory.Recovery.NONE) {
            context.partitionCount().recovered();
        }
    }
}
