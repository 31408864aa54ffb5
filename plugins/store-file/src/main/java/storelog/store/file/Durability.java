package storelog.store.file;

import java.io.IOException;
import java.util.concurrent.locks.ReentrantLock;
import storelog.api.StorageFailedException;
import storelog.api.StoreLogException;

/**
 * When a partition's appended bytes become durable and visible, and when an append is acknowledged:
 * the {@code FSYNC} policy of one partition. {@link GroupCommit} for {@code always} (acknowledged and
 * visible once fsynced, concurrent appends sharing fsyncs); {@link BackgroundFlush} for
 * {@code interval} and {@code never} (acknowledged and visible at once, written and forced by the
 * engine's flusher thread). The partition delegates every mode-specific decision here.
 *
 * <p>Methods marked "lock held" are called with the partition lock held.
 */
sealed interface Durability permits GroupCommit, BackgroundFlush {

    /**
     * Records below {@code end} were appended (lock held). Returns what {@link #acknowledge} waits for,
     * or null when the append is acknowledged at once. {@code awaitsAtOnce}: the caller calls
     * {@link #acknowledge} as soon as it let the lock go (an append; not a begun one).
     */
    GroupCommitter.Waiter appended(long end, boolean awaitsAtOnce);

    /** Returns once the append that got {@code waiter} may be acknowledged (lock not held). */
    void acknowledge(GroupCommitter.Waiter waiter);

    /**
     * Something to wait on until the appends below {@code end}, appended but not yet visible, are
     * durable or cut (lock held); null when appends are visible at once.
     */
    GroupCommitter.Waiter inFlight(long end);

    /** Waits for {@code waiter}, whatever the outcome of the appends it waits for (lock not held). */
    void settle(GroupCommitter.Waiter waiter);

    /**
     * A roll is closing {@code full}, flushed (lock held): it is forced now, or queued for the flusher
     * — before the next segment is created, since recovery takes a segment that another follows for
     * complete when this policy forces sealed segments ({@link #sealedMaybeUnsynced()} is 0).
     */
    void sealed(Segment full) throws IOException;

    /**
     * Whether a new segment's files and directory entries are forced as soon as they are created
     * (else {@link SegmentRoller#forceNames(boolean)} forces them at the clean close).
     */
    boolean forcesNewNames();

    /** How many of the newest sealed segments may have missed their fsync when the process stopped without closing. */
    int sealedMaybeUnsynced();

    /** Forces every sealed segment still waiting for its fsync (lock held; before a truncation or a close). */
    void forceSealed() throws IOException;

    /** Everything below {@code end} is durable (lock held; after loading, at close). */
    void durable(long end);

    /** Records from {@code end} on were removed, everything below it is durable (lock held). */
    void cut(long end, StoreLogException cause);

    /** The partition failed closed (lock held). */
    void failed(StorageFailedException cause);

    /**
     * A partition that failed closed is closing with {@code active} its active segment (lock held):
     * buffered records that were acknowledged are written if they still can be (best effort, no
     * fsync: the next start recovers the partition as after a crash).
     */
    void closingFailed(Segment active);

    /**
     * What a durability policy may ask of its partition ({@link PartitionLog} implements it). Every
     * method but {@link #lock()} and {@link #forceNames()} is called with the lock held.
     */
    interface Log {
        ReentrantLock lock();

        /**
         * Forces the names of the segment files created so far and not forced yet (lock not needed;
         * {@link SegmentRoller#forceNames(boolean)}).
         */
        void forceNames() throws IOException;

        /** Whether appends are allowed (not closed, not failed). */
        boolean writable();

        /** The segment appended to, or null when the partition has none. */
        Segment active();

        /** Where the log stands now. */
        LogMark mark();

        /** How many truncations the partition has seen; a sync whose point a truncation passed is void. */
        long truncations();

        /** Makes offsets below {@code end} visible to readers. */
        void publish(long end);

        /** The log up to {@code mark} is durable: it becomes the point a failed sync rolls back to, and visible. */
        void markDurable(LogMark mark);

        /** Flushing for a sync failed: everything not durable is rolled back (or the partition fails closed). */
        void flushFailed(IOException cause);

        /**
         * An fsync of a group commit failed: what it did not make durable (never acknowledged) is rolled
         * back and the partition fails closed (the page cache can no longer be trusted).
         */
        void syncFailed(IOException cause);

        /**
         * A background write or fsync failed ({@code FSYNC=interval|never}): the partition fails closed
         * and keeps every record — each was acknowledged when it was appended, so none may be rolled back.
         */
        void failedKeepingAll(IOException cause);
    }
}
