package storelog.store.file;

import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;
import storelog.api.InvalidRecordException;
import storelog.api.NewRecord;
import storelog.api.OffsetMismatchException;
import storelog.api.OffsetOutOfRangeException;
import storelog.api.PartitionInfo;
import storelog.api.PartitionKey;
import storelog.api.Record;
import storelog.api.StorageFailedException;
import storelog.api.StorageFullException;
import storelog.api.StoreLogException;

/**
 * One partition's log: its segments in offset order, the last one active.
 *
 * <p>Appends are serialised by the partition lock: frames go into the active segment's buffers
 * (rolling to a new segment when the next frame would pass {@code MAX_FILE_SIZE}); a failed append
 * is rolled back to where it started, so offsets stay gap-free. Durability follows the
 * {@link FsyncPolicy}: group commit ({@link GroupCommitter}) for {@code always}, a background
 * {@link Flusher} otherwise. Readers never take the lock unless they need buffered bytes flushed;
 * they see offsets below {@code visibleEnd} only (for {@code always}: only durable records).
 *
 * <p>After a failed fsync or an I/O error that could not be undone, the partition <em>fails
 * closed</em>: appends throw {@link StorageFailedException} until the engine is reopened.
 */
final class PartitionLog {

    private static final Logger LOG = System.getLogger(PartitionLog.class.getName());
    private static final Segment[] NONE = new Segment[0];

    private final PartitionKey key;
    private final Path dir;
    private final StoreContext context;
    private final ReentrantLock lock = new ReentrantLock();
    private final GroupCommitter commits;
    private final PartitionReader reader = new PartitionReader(this);
    private final SegmentRoller roller;
    private volatile Segment[] segments = NONE;
    /** Readers see offsets below this; written under the lock with release semantics (no fence per append). */
    private long visibleEnd;
    private static final VarHandle VISIBLE_END;

    static {
        try {
            VISIBLE_END = MethodHandles.lookup().findVarHandle(PartitionLog.class, "visibleEnd", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }
    private volatile StorageFailedException failure;
    private long nextOffset;
    private LogMark durableMark = LogMark.EMPTY;
    private boolean loaded;
    private long appends;
    private long recordsAppended;
    private long bytesAppended;
    private boolean dirty;
    private boolean closed;

    PartitionLog(PartitionKey key, StoreContext context) {
        this.key = key;
        this.context = context;
        this.dir = key.directoryIn(context.config().dataDir());
        this.roller = new SegmentRoller(key, dir, context);
        this.commits = context.config().fsync().mode() == FsyncPolicy.Mode.ALWAYS ? new GroupCommitter(this::syncForCommit, context.syncThreads()) : null;
    }

    PartitionKey key() {
        return key;
    }

    /** Loads the segments from disk (recovering the active one) on first use. */
    void ensureLoaded() {
        if (loaded) {
            return;
        }
        lock.lock();
        try {
            if (!loaded) {
                load();
            }
        } catch (IOException e) {
            throw new StorageFailedException("cannot open partition " + key + " in " + dir + ": " + e, e);
        } finally {
            lock.unlock();
        }
    }

    private void load() throws IOException {
        List<Segment> found = PartitionRecovery.recover(key, dir, context);
        segments = found.toArray(NONE);
        nextOffset = found.isEmpty() ? 0 : found.getLast().end();
        publish(nextOffset);
        durableMark = mark();
        if (commits != null) {
            commits.advance(nextOffset);
        }
        loaded = true;
    }

    /** Whether the partition holds at least one segment (it exists). */
    boolean exists() {
        ensureLoaded();
        return segments.length > 0;
    }

    /**
     * Appends records; with {@code expected >= 0}, only at that offset.
     *
     * @return the first record's offset
     */
    long append(long expected, List<NewRecord> records) {
        if (records.isEmpty()) {
            throw new IllegalArgumentException("nothing to append");
        }
        for (NewRecord r : records) {
            if (r.payload().length > Frame.MAX_PAYLOAD) {
                throw new InvalidRecordException("a record holds at most " + Frame.MAX_PAYLOAD + " bytes, this one "
                        + r.payload().length);
            }
        }
        ensureLoaded();
        long end;
        long generation;
        lock.lock();
        try {
            checkWritable();
            if (expected >= 0 && expected != nextOffset) {
                throw new OffsetMismatchException(key, expected, nextOffset);
            }
            long base = nextOffset;
            Segment first = active(); // where the append starts, kept in locals: no allocation on the hot path
            int startSegments = segments.length;
            long startStore = first == null ? 0 : first.store().size();
            long startIndex = first == null ? 0 : first.index().size();
            long startCount = first == null ? 0 : first.count();
            try {
                for (int i = 0; i < records.size(); i++) {
                    write(base + i, records.get(i));
                }
            } catch (IOException | RuntimeException e) {
                throw abandon(new LogMark(startSegments, startStore, startIndex, startCount, base), e);
            }
            nextOffset = end = base + records.size();
            appends++;
            recordsAppended += records.size();
            for (NewRecord r : records) {
                bytesAppended += r.payload().length;
            }
            generation = commits == null ? 0 : commits.generation();
            if (commits == null) {
                publish(end);
                scheduleFlush();
            }
        } finally {
            lock.unlock();
        }
        if (commits != null) {
            commits.awaitDurable(end, generation);
        }
        return end - records.size();
    }

    private void write(long offset, NewRecord record) throws IOException {
        Segment active = active();
        int length = Frame.length(record.payload().length);
        if (active == null) {
            active = createSegment(offset, null);
        } else if (!active.hasRoomFor(length, context.config().maxFileSize())) {
            active = createSegment(offset, active);
        }
        active.append(offset, record);
    }

    /** Starts a new segment at {@code base}, after {@code previous} (null for the partition's first). */
    private Segment createSegment(long base, Segment previous) throws IOException {
        Segment next = previous == null ? roller.first(base) : roller.roll(previous, base, this);
        Segment[] grown = Arrays.copyOf(segments, segments.length + 1);
        grown[grown.length - 1] = next;
        segments = grown;
        return next;
    }

    /** Rolls back to {@code start} after a failed append; returns what the caller should throw. */
    private RuntimeException abandon(LogMark start, Exception cause) {
        try {
            rollback(start);
        } catch (IOException e) {
            cause.addSuppressed(e);
            return failClosed(cause);
        }
        if (cause instanceof StoreLogException || cause instanceof IllegalArgumentException) {
            return (RuntimeException) cause;
        }
        if (cause instanceof IOException io && !(io instanceof UnrecoverableWriteException) && DiskFull.is(io)) {
            return new StorageFullException("the disk under " + dir + " is full: the append to partition " + key
                    + " was not stored (" + io.getMessage() + ")", io);
        }
        return failClosed(cause);
    }

    private void rollback(LogMark to) throws IOException {
        segments = to.rollBack(segments);
        nextOffset = to.nextOffset();
    }

    private LogMark mark() {
        return LogMark.of(segments, nextOffset);
    }

    /** Group commit's sync: flush under the lock, force outside it. */
    private long syncForCommit() {
        Segment active;
        LogMark synced;
        lock.lock();
        try {
            checkWritable();
            synced = mark();
            active = active();
            if (active != null) {
                active.flush();
            }
        } catch (IOException e) {
            throw abandonUnsynced(e);
        } finally {
            lock.unlock();
        }
        try {
            if (active != null) {
                active.store().force();
            }
        } catch (IOException e) {
            lock.lock();
            try {
                rollback(durableMark); // best effort: unacknowledged records should not reappear after restart
            } catch (IOException undo) {
                e.addSuppressed(undo);
            } finally {
                lock.unlock();
            }
            throw failClosed(e);
        }
        lock.lock();
        try {
            durableMark = synced;
            publish(Math.max(visibleEnd(), synced.nextOffset()));
        } finally {
            lock.unlock();
        }
        return synced.nextOffset();
    }

    /** A flush for group commit failed (lock held): nothing unsynced can be acknowledged, so all of it goes. */
    private RuntimeException abandonUnsynced(IOException cause) {
        RuntimeException result = abandon(durableMark, cause);
        if (result instanceof StoreLogException e && failure == null) {
            commits.rolledBack(e, durableMark.nextOffset());
        }
        return result;
    }

    private StorageFailedException failClosed(Throwable cause) {
        if (failure == null) {
            failure = new StorageFailedException("partition " + key + " refuses writes after a storage failure ("
                    + cause.getMessage() + "); it recovers when StoreLog restarts", cause);
            LOG.log(Level.ERROR, "partition " + key + " failed closed", cause);
            if (commits != null) {
                commits.fail(failure);
            }
        }
        return failure;
    }

    private void checkWritable() {
        if (closed) {
            throw new IllegalStateException("the storage engine is closed");
        }
        if (failure != null) {
            throw failure;
        }
    }

    private void scheduleFlush() {
        if (!dirty) {
            dirty = true;
            context.flusher().schedule(this);
        }
    }

    /**
     * The background flush of {@code FSYNC=interval|never}: hands buffered bytes to the OS and, for
     * interval, forces them. A full disk keeps the (acknowledged) bytes buffered and retries.
     *
     * @return whether to try again later
     */
    boolean backgroundFlush() {
        Segment active;
        lock.lock();
        try {
            if (!dirty || closed || failure != null) {
                return false;
            }
            active = active();
            active.flush();
            active.store().releaseBuffer();
            active.index().releaseBuffer();
            dirty = false;
        } catch (IOException e) {
            if (e instanceof UnrecoverableWriteException || !DiskFull.is(e)) {
                failClosed(e);
                return false;
            }
            LOG.log(Level.WARNING, "partition {0}: the disk is full; acknowledged records wait in memory until it has room", key);
            return true;
        } finally {
            lock.unlock();
        }
        if (context.config().fsync().mode() == FsyncPolicy.Mode.INTERVAL) {
            try {
                active.store().force();
            } catch (IOException e) {
                failClosed(e);
            }
        }
        return false;
    }

    /** The flusher's fsync of the segment sealed by the last roll ({@code FSYNC=interval|never}). */
    void syncSealed() {
        try {
            roller.syncSealed();
        } catch (IOException e) {
            lock.lock();
            try {
                failClosed(e);
            } finally {
                lock.unlock();
            }
        }
    }

    Record read(long offset) {
        return reader.read(offset);
    }

    List<Record> read(long from, int max, long maxBytes) {
        return reader.read(from, max, maxBytes);
    }

    /** Writes buffered bytes so a reader can read {@code offset} from the file (the reader's only use of the lock). */
    void flushForRead(Segment segment, long offset) {
        lock.lock();
        try {
            if (!segment.isFlushed(offset)) {
                segment.flush();
            }
        } catch (IOException e) {
            throw DiskFull.is(e) ? new StorageFullException("cannot read partition " + key
                    + " yet: its newest records cannot be written, the disk is full", e) : PartitionReader.failed(key, offset, e);
        } finally {
            lock.unlock();
        }
    }

    /** Adds this partition's appends, records and payload bytes appended in this run to {@code counts}. */
    void addAppendCounts(long[] counts) {
        lock.lock();
        try {
            counts[0] += appends;
            counts[1] += recordsAppended;
            counts[2] += bytesAppended;
        } finally {
            lock.unlock();
        }
    }

    PartitionInfo info() {
        lock.lock();
        try {
            long bytes = 0;
            for (Segment s : segments) {
                bytes += s.store().size();
            }
            return new PartitionInfo(key, visibleEnd(), segments.length, bytes);
        } finally {
            lock.unlock();
        }
    }

    /** Removes records from {@code from} on (a follower's divergence); durable before it returns. */
    void truncate(long from) {
        ensureLoaded();
        lock.lock();
        try {
            checkWritable();
            if (from < 0 || from > nextOffset) {
                throw new OffsetOutOfRangeException(key, from, nextOffset);
            }
            try {
                roller.forcePending();
                SegmentTruncation.truncate(this, from, context.disk());
            } catch (IOException e) {
                throw failClosed(e);
            }
        } finally {
            lock.unlock();
        }
    }

    /** Called by {@link SegmentTruncation} with the lock held, after the files were cut. */
    void truncated(Segment[] remaining, long from) {
        segments = remaining;
        nextOffset = from;
        publish(from);
        durableMark = mark();
        if (commits != null) {
            commits.rolledBack(new StorageFailedException("records from offset " + from + " of partition " + key
                    + " were truncated before they were durable"), from);
        }
    }

    Segment[] segments() {
        return segments;
    }

    Path dir() {
        return dir;
    }

    /** Flushes and forces the active segment and refuses further use. Returns whether it closed cleanly. */
    boolean close() {
        lock.lock();
        try {
            if (closed) {
                return failure == null;
            }
            closed = true;
            Segment active = active();
            if (loaded && active != null && failure == null) {
                roller.forcePending();
                active.flush();
                active.store().force(); // the index needs no fsync: the next start's check of it is complete
                durableMark = mark();
                if (commits != null) {
                    commits.advance(nextOffset);
                }
            }
            return failure == null;
        } catch (IOException e) {
            LOG.log(Level.ERROR, "closing partition " + key + " failed", e);
            return false;
        } finally {
            lock.unlock();
        }
    }

    /** Offsets below this are visible to readers. */
    long visibleEnd() {
        return (long) VISIBLE_END.getAcquire(this);
    }

    /** Makes offsets below {@code end} visible to readers (lock held). */
    private void publish(long end) {
        VISIBLE_END.setRelease(this, end);
    }

    private Segment active() {
        Segment[] all = segments;
        return all.length == 0 ? null : all[all.length - 1];
    }
}
