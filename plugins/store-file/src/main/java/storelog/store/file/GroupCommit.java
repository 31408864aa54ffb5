package storelog.store.file;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;
import storelog.api.PartitionKey;
import storelog.api.StorageFailedException;
import storelog.api.StoreLogException;

/**
 * {@code FSYNC=always}: an append is acknowledged, and its records are visible, only once an fsync
 * covered them; concurrent appends share fsyncs ({@link GroupCommitter}). A roll forces the segment
 * it seals before the next one starts. The active segment keeps its write buffers while syncs go on;
 * the engine's {@link Flusher} drops them once the partition went a whole look without one (a
 * {@link Flusher.Task} for that alone). Thread-safe.
 */
final class GroupCommit implements Durability, Flusher.Task {

    private final PartitionKey key;
    private final Durability.Log log;
    private final GroupCommitter committer;
    private final Flusher flusher;
    /** Whether a sync ran since the flusher last looked at this partition (lock held). */
    private boolean synced;
    /** Whether a look of the flusher is queued for this partition (lock held). */
    private boolean watched;

    GroupCommit(PartitionKey key, Durability.Log log, GroupCommitter.SyncExecutor syncThreads, Flusher flusher) {
        this.key = key;
        this.log = log;
        this.committer = new GroupCommitter(this::sync, syncThreads);
        this.flusher = flusher;
    }

    @Override
    public GroupCommitter.Waiter appended(long end, boolean awaitsAtOnce) {
        return committer.register(end, awaitsAtOnce);
    }

    @Override
    public void acknowledge(GroupCommitter.Waiter waiter) {
        committer.await(waiter);
    }

    @Override
    public GroupCommitter.Waiter inFlight(long end) {
        return committer.register(end, true);
    }

    @Override
    public void settle(GroupCommitter.Waiter waiter) {
        try {
            committer.await(waiter);
        } catch (StoreLogException outcomeDecided) {
            // cut or failed: either way the appends are settled
        }
    }

    @Override
    public void sealed(Segment full) throws IOException {
        full.force();
    }

    @Override
    public boolean forcesNewNames() {
        return true;
    }

    @Override
    public int sealedMaybeUnsynced() {
        return 0; // each was forced when it was sealed
    }

    @Override
    public void forceSealed() {
        // every sealed segment was forced when it was sealed
    }

    @Override
    public void durable(long end) {
        committer.advance(end);
    }

    @Override
    public void cut(long end, StoreLogException cause) {
        committer.rolledBack(cause, end);
    }

    @Override
    public void failed(StorageFailedException cause) {
        committer.fail(cause);
    }

    @Override
    public void closingFailed(Segment active) {
        // buffered records were never acknowledged
    }

    /**
     * One sync: flush under the partition lock, fsync outside it (appends go on meanwhile), then,
     * unless a truncation passed the synced point meanwhile, make that point durable and visible.
     */
    private void sync() {
        ReentrantLock lock = log.lock();
        LogMark point;
        Segment active;
        long truncations;
        lock.lock();
        try {
            active = log.active();
            if (!log.writable() || active == null) {
                return;
            }
            point = log.mark();
            truncations = log.truncations();
            active.flush();
        } catch (IOException | RuntimeException | Error e) { // an Error too: this action must end its waiters, never throw
            log.flushFailed(IoErrors.asIoException(e));
            return;
        } finally {
            lock.unlock();
        }
        try {
            active.store().force();
        } catch (IOException | RuntimeException | Error e) { // an Error (no thread for the fsync's hand-off): its outcome is unknown, so fail closed
            lock.lock();
            try {
                if (e instanceof FileNotOpenedException) {
                    log.flushFailed((IOException) e); // the fsync never ran (no descriptor): a clean failure, like a failed flush
                } else {
                    log.syncFailed(IoErrors.asIoException(e));
                }
            } finally {
                lock.unlock();
            }
            return;
        }
        List<GroupCommitter.Waiter> durableOnes = List.of();
        lock.lock();
        try {
            if (log.writable() && log.truncations() == truncations) {
                log.markDurable(point);
                durableOnes = committer.durableUpTo(point.nextOffset());
            }
            keepBuffersWhileSyncing();
        } finally {
            lock.unlock();
        }
        GroupCommitter.release(durableOnes); // not under the partition lock: their next appends need it
    }

    /**
     * After a sync (lock held): the active segment keeps its write buffers for the appends that follow,
     * and the flusher is asked, once per busy spell, to look at the partition until a look finds no sync
     * since the last one ({@link #flushDue}). A lone appender, one sync per append, then does not
     * allocate its buffers anew for every record (measured at 6–13 % of its rate, bench/RESULTS.md),
     * and an idle partition (10,000 written once) holds none a second after its last sync.
     */
    private void keepBuffersWhileSyncing() {
        synced = true;
        if (!watched) {
            try {
                flusher.schedule(this);
                watched = true;
            } catch (RuntimeException | Error e) { // queuing failed (no heap): this sync must still end its waiters
                releaseIdleBuffers();
                return;
            }
        }
        if (!flusher.running()) { // no thread to look later (OutOfMemoryError: unable to create native thread)
            releaseIdleBuffers(); // idle buffers go now, as before the flusher looked; its look stays queued
        }
    }

    @Override
    public String name() {
        return "partition " + key;
    }

    /**
     * The flusher's look at the partition (lock taken): with a sync since the last look it looks again
     * later (true: the flusher's retry interval); else the partition is idle and its empty buffers go.
     */
    @Override
    public boolean flushDue() {
        ReentrantLock lock = log.lock();
        lock.lock();
        try {
            if (synced) {
                synced = false;
                return true;
            }
            releaseIdleBuffers();
            watched = false;
            return false;
        } finally {
            lock.unlock();
        }
    }

    /** Drops the active segment's write buffers where they hold nothing (lock held). */
    private void releaseIdleBuffers() {
        Segment active = log.active();
        if (active != null) {
            active.releaseBuffers();
        }
    }

    @Override
    public boolean syncSealed() {
        return false; // every sealed segment was forced when it was sealed
    }
}
