package storelog.store.file;

import java.io.IOException;
import java.lang.System.Logger;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;
import storelog.api.EpochStart;
import storelog.api.NewRecord;
import storelog.api.PartitionInfo;
import storelog.api.PartitionKey;
import storelog.api.Record;
import storelog.api.StorageFailedException;
import storelog.api.StorageFullException;
import storelog.api.spi.StorageEngine;

/**
 * One partition's log: its segments in offset order, the last one active ({@link SegmentList}). This
 * class holds the partition's key and its lock, takes the lock and hands each job to the class that
 * owns it: {@link PartitionLoader} loads the partition on first use, {@link Appender} checks and writes
 * appends, {@link AppendRollback} undoes what failed, {@link PartitionTruncation} cuts the log back.
 *
 * <p>Appends are serialised by the partition lock: frames go into the active segment's buffers
 * (rolling to a new segment when the next batch would pass {@code MAX_FILE_SIZE}); a failed append
 * is rolled back to where it started, so offsets stay gap-free. When records become durable, visible
 * and acknowledged is the {@link Durability}'s business (one object per {@code FSYNC} policy).
 * Readers ({@link PartitionReader}) never take the lock unless they need buffered bytes flushed; they
 * see offsets below the visible end only ({@link Visibility}). Which leader epoch wrote which records
 * is the {@link EpochHistory}'s business: an append of a new epoch lets it save its entry before any
 * record is written, a rollback or truncation tells it where the log now ends.
 *
 * <p>After a failed fsync or an I/O error that could not be undone, the partition <em>fails
 * closed</em> ({@link WriteGate}): appends throw {@link StorageFailedException} until the engine is
 * reopened.
 */
final class PartitionLog implements Durability.Log, PartitionReader.Source {

    /** Where a partition failing closed is logged ({@link WriteGate}). */
    private static final Logger LOG = System.getLogger(PartitionLog.class.getName());

    private final PartitionKey key;
    private final ReentrantLock lock = new ReentrantLock();
    private final Durability durability;
    private final PartitionReader reader = new PartitionReader(this);
    private final SegmentRoller roller;
    private final EpochHistory history;
    private final WriteGate gate;
    private final Visibility visibility = new Visibility();
    private final SegmentList segments;
    private final AppendRollback rollback;
    private final PartitionTruncation truncation;
    private final Appender appender;
    private final PartitionLoader loader;

    /** A partition of the engine; {@code recovery}: how it must be recovered when it loads. */
    PartitionLog(PartitionKey key, StoreContext context, DataDirectory.Recovery recovery) {
        this.key = key;
        Path dir = key.directoryIn(context.config().dataDir());
        this.durability = context.durabilityOf(key, this);
        this.roller = new SegmentRoller(key, dir, context, durability.forcesNewNames());
        this.history = new EpochHistory(key, dir, context);
        this.gate = new WriteGate(key, durability, LOG);
        this.segments = new SegmentList(context.disk(), dir);
        this.rollback = new AppendRollback(key, dir, segments, history, gate, durability);
        this.truncation = new PartitionTruncation(key, segments, visibility, history, roller, gate, rollback, durability);
        this.appender = new Appender(key, dir, lock, context.config().maxFileSize(), segments, visibility, roller, history, gate,
                rollback, durability);
        this.loader = new PartitionLoader(key, dir, context, recovery, durability, segments, visibility, history, rollback, gate);
    }

    @Override
    public PartitionKey key() {
        return key;
    }

    /**
     * Loads the segments from disk (recovering them) on first use ({@link PartitionLoader}: a failed
     * load fails this partition only, and the next use tries again, unless an fsync failed).
     */
    void ensureLoaded() {
        if (loader.loaded()) {
            return;
        }
        lock.lock();
        try {
            gate.check();
            loader.loadIfNeeded();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Whether the partition still awaits its crash recovery. Stable once {@link #close()} returned
     * (nothing loads a closed partition): a clean close names such partitions in its marker.
     */
    boolean awaitsRecovery() {
        return loader.awaitsRecovery();
    }

    /**
     * Whether the partition exists for readers. A partition whose first append is still in flight
     * (not yet durable under {@code always}, or being written) does not: it becomes visible together
     * with its first record, never as an empty partition that could vanish again if that append fails.
     */
    boolean exists() {
        ensureLoaded();
        return visibility.exists();
    }

    /**
     * Appends records written under leader {@code epoch} ({@link EpochHistory#CURRENT}: the latest);
     * with {@code expected >= 0}, only at that offset.
     *
     * @return the first record's offset
     */
    long append(long expected, long epoch, List<NewRecord> records) {
        return appendOrBegin(expected, epoch, records, null);
    }

    /**
     * {@link #append} up to the write: the records are written when this returns, durable and visible
     * once the result's {@code await()} returned (the durability wait, lock not held). {@link #append}
     * does not go through the object this returns: one allocated per append costs the single appender
     * half its rate (JMH, bench/RESULTS.md "Same machine, same run").
     */
    StorageEngine.PendingAppend begin(long expected, long epoch, List<NewRecord> records) {
        Pending pending = new Pending();
        long first = appendOrBegin(expected, epoch, records, pending);
        return () -> {
            durability.acknowledge(pending.acknowledgement);
            return first;
        };
    }

    /** What a begun append waits for before it is acknowledged. */
    private static final class Pending {
        GroupCommitter.Waiter acknowledgement;
    }

    /**
     * Writes an append; returns its first offset once it may be acknowledged, or, with a
     * {@code pending} to fill, at once (the caller waits for {@code pending.acknowledgement}).
     */
    private long appendOrBegin(long expected, long epoch, List<NewRecord> records, Pending pending) {
        long payloadBytes = Appender.checkedPayloadBytes(records);
        ensureLoaded();
        long base;
        GroupCommitter.Waiter acknowledgement;
        lock.lock();
        try {
            base = appender.write(expected, epoch, records, payloadBytes);
            acknowledgement = durability.appended(base + records.size(), pending == null);
        } finally {
            lock.unlock();
        }
        GroupCommitter.unlocked(acknowledgement);
        if (pending == null) {
            durability.acknowledge(acknowledgement);
        } else {
            pending.acknowledgement = acknowledgement;
        }
        return base;
    }

    /**
     * Records that leader {@code epoch} starts at {@code start}, the next offset, without a record
     * ({@link StorageEngine#startEpoch}); appends in flight up to {@code start} are waited for first.
     */
    void startEpoch(long epoch, long start) {
        ensureLoaded();
        lock.lock();
        try {
            appender.startEpoch(epoch, start);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public LogMark mark() {
        return segments.mark();
    }

    @Override
    public void forceNames() throws IOException {
        roller.forceNames(true);
    }

    @Override
    public ReentrantLock lock() {
        return lock;
    }

    @Override
    public boolean writable() {
        return gate.open();
    }

    @Override
    public long truncations() {
        return truncation.count();
    }

    @Override
    public void markDurable(LogMark mark) {
        rollback.durableUpTo(mark);
        publish(Math.max(visibleEnd(), mark.nextOffset()));
    }

    @Override
    public void flushFailed(IOException cause) {
        rollback.flushFailed(cause);
    }

    @Override
    public void syncFailed(IOException cause) {
        rollback.syncFailed(cause);
    }

    @Override
    public void failedKeepingAll(IOException cause) {
        gate.failClosed(cause);
    }

    /**
     * Whether the partition failed closed, or its last load failed (a metric: a background failure is
     * seen by no caller at once).
     */
    boolean failed() {
        return gate.failed() || loader.failed();
    }

    Record read(long offset) {
        return reader.read(offset);
    }

    List<Record> read(long from, int max, long maxBytes) {
        return reader.read(from, max, maxBytes);
    }

    @Override
    public void flushForRead(Segment segment, long offset) {
        lock.lock();
        try {
            if (!segment.isFlushed(offset)) {
                segment.flush();
            }
        } catch (IOException e) {
            if (e instanceof UnrecoverableWriteException) { // the file's tail is unknown; every buffered record was acknowledged
                gate.failClosed(e);
            }
            throw IoErrors.isDiskFull(e) ? new StorageFullException("cannot read partition " + key
                    + " yet: its newest records cannot be written, the disk is full", e) : PartitionReader.failed(key, offset, e);
        } finally {
            lock.unlock();
        }
    }

    /** Adds this partition's appends, records and payload bytes appended in this run to {@code counts}. */
    void addAppendCounts(long[] counts) {
        lock.lock();
        try {
            appender.addCounts(counts);
        } finally {
            lock.unlock();
        }
    }

    PartitionInfo info() {
        lock.lock();
        try {
            Segment[] all = segments.all();
            long bytes = 0;
            for (Segment s : all) {
                bytes += s.store().size();
            }
            return new PartitionInfo(key, visibleEnd(), all.length, bytes);
        } finally {
            lock.unlock();
        }
    }

    /** Removes records from {@code from} on (a follower's divergence); durable before it returns. */
    void truncate(long from) {
        ensureLoaded();
        lock.lock();
        try {
            truncation.truncate(from);
        } finally {
            lock.unlock();
        }
    }

    /**
     * The leader-epoch history as readers may see it (empty while the partition does not exist):
     * nothing starts beyond the visible end, and an entry starts at it only when no append is in
     * flight — an epoch without records (its append failed, or a crash cut them), never one whose
     * first records are still on their way to disk and may yet become visible.
     */
    List<EpochStart> epochs() {
        ensureLoaded();
        lock.lock();
        try {
            long visible = visibleEnd();
            return history.upTo(!visibility.exists() ? -1 : segments.nextOffset() == visible ? visible : visible - 1);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void awaitTruncation() {
        lock.lock();
        lock.unlock();
    }

    @Override
    public Segment[] segments() {
        return segments.all();
    }

    /** Flushes and forces the active segment and refuses further use. Returns whether it closed cleanly. */
    boolean close() {
        lock.lock();
        try {
            if (gate.closed()) {
                return !gate.failed();
            }
            gate.close();
            Segment active = segments.active();
            if (loader.loaded() && active != null && !gate.failed()) {
                durability.forceSealed();
                active.flush();
                active.force(); // store and index: the clean-shutdown marker promises both are durable
                roller.forceNames(false);
                roller.forceLeftoverDeletion();
                rollback.durableUpTo(mark());
                durability.durable(segments.nextOffset());
            } else if (loader.loaded() && active != null) {
                durability.closingFailed(active);
            }
            return !gate.failed();
        } catch (IOException | RuntimeException | Error e) { // one partition's failure must not stop the others closing
            // an Error too: a close that threw one is no clean close (the engine writes its marker only after clean ones)
            gate.failClosed(e); // also ends every appender still waiting for a sync that will now never come
            return false;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public long visibleEnd() {
        return visibility.end();
    }

    @Override
    public void publish(long end) {
        visibility.publish(end);
    }

    @Override
    public Segment active() {
        return segments.active();
    }
}
