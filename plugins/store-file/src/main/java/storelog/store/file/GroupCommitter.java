package storelog.store.file;

import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import storelog.api.StorageFailedException;
import storelog.api.StoreLogException;

/**
 * Group commit for {@code FSYNC=always}: appenders wait here until their records are durable. The
 * first waiter that finds no fsync running runs one for everything written so far; appenders that
 * arrive meanwhile wait for the next one, which then covers them all. So 64 concurrent appenders
 * share a handful of fsyncs, and durability costs latency rather than throughput.
 *
 * <p>Offsets are the currency: {@code durable} is the partition's offset below which every record
 * is on disk. A failed sync that had to discard unsynced records bumps the generation, so their
 * appenders fail instead of waiting for offsets that will be reused.
 *
 * <p>Thread-safe. Lock order: the partition lock may be held when calling {@link #generation()} or
 * {@link #rolledBack}; the sync action is called with no lock of this class held.
 */
final class GroupCommitter {

    /** Flushes and forces the partition; returns the offset below which all records are now durable. */
    @FunctionalInterface
    interface SyncAction {
        long sync();
    }

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final SyncAction action;
    private long durable;
    private boolean syncing;
    private long generation;
    private StoreLogException rollbackCause;
    private StorageFailedException failure;

    GroupCommitter(SyncAction action) {
        this.action = action;
    }

    /** The current generation; appends record it to be told later whether they were discarded. */
    long generation() {
        lock.lock();
        try {
            return generation;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Blocks until offsets below {@code target} are durable.
     *
     * @throws StoreLogException when the records were discarded by a failed sync, or the partition failed
     */
    void awaitDurable(long target, long appendGeneration) {
        lock.lock();
        try {
            while (durable < target) {
                if (failure != null) {
                    throw failure;
                }
                if (appendGeneration < generation) {
                    throw rollbackCause;
                }
                if (syncing) {
                    changed.awaitUninterruptibly();
                    continue;
                }
                runSync();
            }
        } finally {
            lock.unlock();
        }
    }

    private void runSync() {
        syncing = true;
        lock.unlock();
        long synced = -1;
        RuntimeException error = null;
        try {
            synced = action.sync();
        } catch (RuntimeException e) {
            error = e;
        } finally {
            lock.lock();
            syncing = false;
            changed.signalAll();
        }
        if (error != null && failure == null && rollbackCause != error) {
            throw error;
        }
        durable = Math.max(durable, synced);
    }

    /** Unsynced records were discarded (partition lock held): their waiters fail with {@code cause}. */
    void rolledBack(StoreLogException cause, long durableOffset) {
        lock.lock();
        try {
            generation++;
            rollbackCause = cause;
            durable = durableOffset;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Offsets below {@code offset} became durable outside a sync (load, clean close): wake their waiters. */
    void advance(long offset) {
        lock.lock();
        try {
            durable = Math.max(durable, offset);
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** The partition failed closed: every waiter fails. */
    void fail(StorageFailedException cause) {
        lock.lock();
        try {
            failure = cause;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }
}
