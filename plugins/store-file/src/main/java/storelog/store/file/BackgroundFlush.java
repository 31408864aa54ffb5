package storelog.store.file;

import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.locks.ReentrantLock;
import storelog.api.PartitionKey;
import storelog.api.StorageFailedException;
import storelog.api.StoreLogException;

/**
 * {@code FSYNC=interval|never}: an append is acknowledged and visible at once; the engine's
 * {@link Flusher} writes the buffered bytes {@link FsyncPolicy#flushDelayNanos()} later (forcing them
 * for {@code interval}) and forces segments sealed by a roll in the background — under {@code never}
 * their names first ({@link SegmentRoller#next}) — with at most {@value #MAX_PENDING} sealed segments
 * per partition waiting (a roll that finds that many forces the oldest itself). A full disk or a
 * shortage of file descriptors keeps the acknowledged bytes buffered and the flush is retried. So
 * after a crash only the active segment and the last {@value #MAX_PENDING} sealed ones can miss bytes
 * or names, and recovery checks exactly those ({@link PartitionRecovery}). A segment leaves the
 * waiting ones only once its bytes and its name are durable.
 * Thread-safe.
 */
final class BackgroundFlush implements Durability, Flusher.Task {

    /**
     * Sealed segments whose fsync may still be outstanding, at most: recovery checks this many. With 4,
     * a single appender under {@code never} writing ~1 GB/s into 10 MiB segments waited at the bound for
     * the disk often enough to cost 7 % of its rate (P1, bench/RESULTS.md, 12-04); with 8 it measured at
     * parity with the code whose bound did not hold that day (not on 12-05's machine, where 32 did no
     * better), and recovery after a crash checks up to 8 sealed segments.
     */
    static final int MAX_PENDING = 8;

    private static final Logger LOG = System.getLogger(BackgroundFlush.class.getName());

    private final PartitionKey key;
    private final Durability.Log log;
    private final Flusher flusher;
    /** {@code interval} (each flush is forced, and so are new segments' names), else {@code never}. */
    private final boolean interval;
    private final ConcurrentLinkedDeque<Sealing> sealPending = new ConcurrentLinkedDeque<>();
    /** Whether anything was appended since the last flush (lock held). */
    private boolean dirty;
    /**
     * Whether a flusher pass is queued for this partition (lock held): the flush of what is dirty, or,
     * after a flush, the check that drops the buffers of a partition that stayed idle for a whole delay.
     */
    private boolean scheduled;
    /** Whether a roll could not queue the fsync of the segment it sealed (lock held): the next flush asks again. */
    private boolean sealSyncOwed;
    /** How many segments were sealed (lock held): numbers the {@link Sealing}s. */
    private long seals;

    BackgroundFlush(PartitionKey key, Durability.Log log, Flusher flusher, boolean interval) {
        this.key = key;
        this.log = log;
        this.flusher = flusher;
        this.interval = interval;
    }

    @Override
    public GroupCommitter.Waiter appended(long end, boolean awaitsAtOnce) {
        log.publish(end);
        if (!dirty) {
            dirty = true;
            scheduleOnce();
        } else {
            flusher.running(); // one volatile read; while the flusher thread cannot start, every append tries again
        }
        return null;
    }

    /**
     * Queues a flusher pass unless one is queued (lock held). The pass stays queued until the flusher's
     * thread takes it, also while that thread cannot start ({@link Flusher#running}). Should queuing
     * itself fail (no heap), the appended records stay buffered, already acknowledged: the next append
     * asks again, and the partition's close writes them.
     */
    private void scheduleOnce() {
        if (!scheduled) {
            try {
                flusher.schedule(this);
                scheduled = true;
            } catch (RuntimeException | Error e) { // an append's records are visible by now: it must not fail
                dirty = false; // so the next append asks again
                LOG.log(Level.WARNING, "partition {0}: no background flush could be queued ({1}); the next append asks again, "
                        + "the partition's close writes its records at the latest", key, e.toString());
            }
        }
    }

    @Override
    public void acknowledge(GroupCommitter.Waiter waiter) {
        // acknowledged at once
    }

    @Override
    public GroupCommitter.Waiter inFlight(long end) {
        return null; // appends are visible when they return
    }

    @Override
    public void settle(GroupCommitter.Waiter waiter) {
        // nothing is ever in flight
    }

    @Override
    public void sealed(Segment full) throws IOException {
        for (Sealing oldest = sealPending.peekFirst(); oldest != null && sealPending.size() >= MAX_PENDING;
                oldest = sealPending.peekFirst()) { // the flusher may take the oldest meanwhile
            log.forceNames();
            oldest.segment().force();
            sealPending.remove(oldest);
        }
        sealPending.addLast(new Sealing(full, ++seals));
        requestSealSync();
    }

    /**
     * Asks the flusher to force the sealed segments (lock held). Should queuing fail (no heap), the roll
     * must not fail for it: the segment waits with the others (at most {@value #MAX_PENDING}, the oldest
     * forced by the roll that finds that many, all by the close) and the next flush asks again.
     */
    private void requestSealSync() {
        try {
            flusher.scheduleSealSync(this);
            sealSyncOwed = false;
        } catch (RuntimeException | Error e) {
            sealSyncOwed = true;
            LOG.log(Level.WARNING, "partition {0}: no background fsync of a sealed segment could be queued ({1}); the next flush "
                    + "asks again", key, e.toString());
        }
    }

    @Override
    public boolean forcesNewNames() {
        return interval;
    }

    @Override
    public int sealedMaybeUnsynced() {
        return MAX_PENDING;
    }

    @Override
    public void forceSealed() throws IOException {
        forceSealedSegments();
    }

    @Override
    public void durable(long end) {
        // nobody waits
    }

    @Override
    public void cut(long end, StoreLogException cause) {
        // nobody waits
    }

    @Override
    public void failed(StorageFailedException cause) {
        // nobody waits
    }

    @Override
    public void closingFailed(Segment active) {
        try {
            active.flush();
        } catch (IOException e) {
            LOG.log(Level.ERROR, "partition {0}: acknowledged records still buffered could not be written at close and are lost: {1}",
                    key, e.getMessage());
        }
    }

    @Override
    public String name() {
        return "partition " + key;
    }

    /**
     * Hands buffered bytes to the OS and, for interval, forces them, then comes back after the delay:
     * a partition appended to meanwhile is flushed again, one that stayed idle drops its write buffers
     * then (a busy partition keeps them: allocating and growing them anew after every flush cost the
     * single appender 3 % of its rate under never, P1 in bench/RESULTS.md). A full disk keeps the
     * (acknowledged) bytes buffered and asks to be retried.
     */
    @Override
    public boolean flushDue() {
        ReentrantLock lock = log.lock();
        Segment active;
        long flushed;
        lock.lock();
        try {
            active = log.active();
            if (!log.writable() || active == null) {
                scheduled = false;
                return false;
            }
            if (sealSyncOwed) {
                requestSealSync();
            }
            if (!dirty) { // idle for a whole delay
                active.releaseBuffers();
                scheduled = false;
                return false;
            }
            flushed = System.nanoTime();
            active.flush();
            dirty = false;
        } catch (IOException e) {
            if (IoErrors.isDiskFull(e) || IoErrors.isDescriptorShortage(e)) {
                LOG.log(Level.WARNING, "partition {0}: acknowledged records wait in memory until they can be written: {1}", key,
                        e.getMessage());
                return true;
            }
            log.failedKeepingAll(e);
            return false;
        } catch (RuntimeException e) { // the files' state is unknown: like an I/O error that cannot be undone
            log.failedKeepingAll(IoErrors.asIoException(e));
            return false;
        } finally {
            lock.unlock();
        }
        if (interval) {
            try {
                active.store().force();
            } catch (FileNotOpenedException e) { // the fsync never ran: the next pass tries it again
                lock.lock();
                try {
                    dirty = true;
                } finally {
                    lock.unlock();
                }
            } catch (IOException e) {
                failClosed(e);
            } catch (RuntimeException | Error e) { // the fsync may have run and failed: never retried into success
                failClosed(IoErrors.asIoException(e));
            }
        }
        // still scheduled: the next pass flushes what came meanwhile, or drops the buffers of an idle partition
        // (queued after the fsync, so that should queuing fail for lack of heap, the flusher's retry finds it done;
        // due one delay after this flush, not after the fsync: what came during a slow fsync waits no longer
        // than the interval promises, IntervalDeadlineTest)
        flusher.schedule(this, flushed);
        return false;
    }

    /** Forces the sealed segments still waiting, oldest first; returns whether to try again (no descriptor). */
    @Override
    public boolean syncSealed() {
        try {
            forceSealedSegments();
        } catch (FileNotOpenedException e) {
            return true;
        } catch (IOException e) {
            failClosed(e);
        } catch (RuntimeException | Error e) { // the fsync may have run and failed: never retried into success
            failClosed(IoErrors.asIoException(e));
        }
        return false;
    }

    /**
     * Forces the names created so far, then the segments that were waiting when it began, oldest
     * first. One sealed by a roll meanwhile (lock not held when the flusher calls this) may have been
     * created after the names' fsync began: it stays for the next pass, which its roll scheduled.
     */
    private void forceSealedSegments() throws IOException {
        Sealing last = sealPending.peekLast();
        if (last == null) {
            return;
        }
        log.forceNames();
        for (Sealing sealed = sealPending.peekFirst(); sealed != null && sealed.number <= last.number;
                sealed = sealPending.peekFirst()) {
            sealed.segment().force();
            sealPending.remove(sealed);
        }
    }

    private void failClosed(IOException e) {
        ReentrantLock lock = log.lock();
        lock.lock();
        try {
            log.failedKeepingAll(e);
        } finally {
            lock.unlock();
        }
    }

    /**
     * One seal of a segment waiting for its fsync. Compared by identity: a segment sealed again (a
     * truncation made it active, a roll sealed it anew) is a new entry, so a thread that forced the
     * first seal and removes its entry late cannot remove the second one unforced (which left the
     * segment's last records out of the clean close's fsyncs).
     */
    private static final class Sealing {
        private final Segment segment;
        /** Increases with every seal: those numbered up to a pass's last were sealed before its names' fsync. */
        final long number;

        Sealing(Segment segment, long number) {
            this.segment = segment;
            this.number = number;
        }

        Segment segment() {
            return segment;
        }
    }
}
