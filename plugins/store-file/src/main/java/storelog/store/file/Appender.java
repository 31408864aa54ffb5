package storelog.store.file;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;
import storelog.api.InvalidRecordException;
import storelog.api.NewRecord;
import storelog.api.OffsetMismatchException;
import storelog.api.PartitionKey;
import storelog.api.StorageFullException;
import storelog.api.spi.StorageEngine;

/**
 * The write half of one partition's appends: each batch is checked (its records' sizes, its leader
 * epoch, its expected offset) and written whole into the active segment's buffers, rolling to a new
 * segment first when it would pass {@code MAX_FILE_SIZE}; a failed write is rolled back to where it
 * started ({@link AppendRollback}). It also records an epoch's start without a record, and counts what
 * it appended. Called with the partition lock held, which it lets go only to wait for appends in flight.
 */
final class Appender {

    private final PartitionKey key;
    private final Path dir;
    private final ReentrantLock lock;
    private final long maxFileSize;
    private final SegmentList segments;
    private final Visibility visibility;
    private final SegmentRoller roller;
    private final EpochHistory history;
    private final WriteGate gate;
    private final AppendRollback rollback;
    private final Durability durability;
    private long appends;
    private long recordsAppended;
    private long bytesAppended;

    /**
     * The appender of partition {@code key} (in {@code dir}), whose segments hold at most
     * {@code maxFileSize} bytes; {@code lock} is the partition lock.
     */
    Appender(PartitionKey key, Path dir, ReentrantLock lock, long maxFileSize, SegmentList segments, Visibility visibility,
            SegmentRoller roller, EpochHistory history, WriteGate gate, AppendRollback rollback, Durability durability) {
        this.key = key;
        this.dir = dir;
        this.lock = lock;
        this.maxFileSize = maxFileSize;
        this.segments = segments;
        this.visibility = visibility;
        this.roller = roller;
        this.history = history;
        this.gate = gate;
        this.rollback = rollback;
        this.durability = durability;
    }

    /** The records' payload bytes, once each record is checked (lock not needed). */
    static long checkedPayloadBytes(List<NewRecord> records) {
        if (records.isEmpty()) {
            throw new IllegalArgumentException("nothing to append");
        }
        long payloadBytes = 0;
        for (int i = 0, n = records.size(); i < n; i++) { // indexed: no iterator on the hot path
            int length = records.get(i).payload().length;
            if (length > Frame.MAX_PAYLOAD) {
                throw new InvalidRecordException("a record holds at most " + Frame.MAX_PAYLOAD + " bytes, this one " + length);
            }
            payloadBytes += length;
        }
        return payloadBytes;
    }

    /** Checks and writes an append (lock held); returns its first offset. */
    long write(long expected, long epoch, List<NewRecord> records, long payloadBytes) {
        gate.check();
        boolean sameEpoch = history.admits(epoch); // the hot path: one comparison
        if (!sameEpoch) {
            history.check(epoch, segments.nextOffset()); // a stale epoch is refused before the offset is compared
        }
        while (expected >= 0 && expected != segments.nextOffset()) {
            settleOrRefuse(expected);
            sameEpoch = false; // the lock was let go meanwhile: the history is checked again below
        }
        long base = segments.nextOffset();
        Segment[] all = segments.all(); // one read of the segment array: the lock holder alone changes it
        int startSegments = all.length;
        Segment first = startSegments == 0 ? null : all[startSegments - 1]; // where the append starts, kept in locals: no allocation on the hot path
        long startStore = first == null ? 0 : first.store().size();
        long startIndex = first == null ? 0 : first.index().size();
        long startCount = first == null ? 0 : first.count();
        try {
            if (!sameEpoch) {
                history.beginAppend(epoch, base); // durable before any record is written
            }
            writeBatch(first, base, records, payloadBytes + (long) records.size() * Frame.HEADER_SIZE);
        } catch (IOException | RuntimeException | Error e) { // an Error too: records of the batch may sit in the buffers
            throw rollback.abandon(new LogMark(startSegments, startStore, startIndex, startCount, base), e);
        }
        segments.setNextOffset(base + records.size());
        appends++;
        recordsAppended += records.size();
        bytesAppended += payloadBytes;
        return base;
    }

    /**
     * Records that leader {@code epoch} starts at {@code start}, the next offset, without a record
     * ({@link StorageEngine#startEpoch}); appends in flight up to {@code start} are waited for first
     * (lock held).
     */
    void startEpoch(long epoch, long start) {
        try {
            gate.check();
            while (start != segments.nextOffset()) {
                settleOrRefuse(start);
            }
            history.start(epoch, start);
        } catch (IOException e) {
            throw IoErrors.isDiskFull(e) ? new StorageFullException("the disk under " + dir + " is full: leader epoch "
                    + epoch + " could not be recorded in partition " + key + " (" + e.getMessage() + ")", e) : gate.failClosed(e);
        } catch (Error e) { // the history file may or may not have been replaced: its state on disk is unknown
            throw gate.failClosed(e);
        }
    }

    /**
     * An append at {@code expected} that is not the next offset (lock held): refused with the next
     * offset readers can see, not one that counts appends still in flight (they may yet fail and
     * their offsets be reused). When {@code expected} is exactly what readers see but appends are in
     * flight, their outcome decides, so it waits for them (lock released meanwhile) and the caller
     * checks again.
     */
    private void settleOrRefuse(long expected) {
        long visible = visibility.end();
        if (expected != visible || visible == segments.nextOffset()) {
            throw new OffsetMismatchException(key, expected, visible);
        }
        GroupCommitter.Waiter inFlight = durability.inFlight(segments.nextOffset());
        lock.unlock();
        try {
            durability.settle(inFlight);
        } finally {
            lock.lock();
        }
        gate.check();
    }

    /**
     * Writes a batch ({@code length} frame bytes) whole into one segment, {@code active} or the next one
     * when it does not fit ({@link Frame}).
     */
    private void writeBatch(Segment active, long base, List<NewRecord> records, long length) throws IOException {
        roller.forceLeftoverDeletion();
        if (active == null) {
            active = segments.add(roller.first(base));
        } else if (!active.hasRoomFor(length, maxFileSize)) {
            active = roll(active, base);
        }
        int last = records.size() - 1;
        for (int i = 0; i <= last; i++) {
            active.append(base + i, records.get(i), i < last);
        }
    }

    /**
     * Seals the full active segment and starts the next one at {@code base}. The full segment is handed
     * to the durability policy (forced at once under {@code always}) before the next one is created: a
     * power cut must not find the next segment's name durable while the full one, sealed by it, still
     * misses its last records (recovery trusts sealed segments under {@code always}).
     */
    private Segment roll(Segment full, long base) throws IOException {
        full.flush();
        durability.sealed(full);
        Segment next = segments.add(roller.next(base));
        full.seal(next);
        return next;
    }

    /** Adds the appends, records and payload bytes appended in this run to {@code counts} (lock held). */
    void addCounts(long[] counts) {
        counts[0] += appends;
        counts[1] += recordsAppended;
        counts[2] += bytesAppended;
    }
}
