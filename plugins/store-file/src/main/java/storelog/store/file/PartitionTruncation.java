package storelog.store.file;

import java.io.IOException;
import storelog.api.OffsetOutOfRangeException;
import storelog.api.PartitionKey;
import storelog.api.StorageFailedException;

/**
 * Truncations of one partition, for a follower whose log diverged from a new leader's: the records
 * from an offset on are removed, durably before the truncation returns ({@link SegmentTruncation}
 * cuts the files), and the epoch history follows. It counts them for those that must not overlap one:
 * readers (a seqlock, {@link PartitionReader}) and group commits (a sync that one overlapped is void).
 * {@link #truncate} runs under the partition lock; {@link #count} is read from any thread.
 */
final class PartitionTruncation {

    private final PartitionKey key;
    private final SegmentList segments;
    private final Visibility visibility;
    private final EpochHistory history;
    private final SegmentRoller roller;
    private final WriteGate gate;
    private final AppendRollback rollback;
    private final Durability durability;
    /** Truncations begun plus truncations ended: odd while one runs (readers' seqlock, and voids a sync it overlapped). */
    private volatile long truncations;

    /** Truncations of partition {@code key}: its segments and what readers see of them, its history and its durability. */
    PartitionTruncation(PartitionKey key, SegmentList segments, Visibility visibility, EpochHistory history,
            SegmentRoller roller, WriteGate gate, AppendRollback rollback, Durability durability) {
        this.key = key;
        this.segments = segments;
        this.visibility = visibility;
        this.history = history;
        this.roller = roller;
        this.gate = gate;
        this.rollback = rollback;
        this.durability = durability;
    }

    /** How many truncations began plus how many ended: odd while one runs (any thread). */
    long count() {
        return truncations;
    }

    /** Removes records from {@code from} on (a follower's divergence); durable before it returns (lock held). */
    void truncate(long from) {
        gate.check();
        if (from < 0 || from > segments.nextOffset()) {
            throw new OffsetOutOfRangeException(key, from, segments.nextOffset());
        }
        history.checkTruncation(from);
        truncations++; // odd: readers wait, an overlapping sync is void
        try {
            durability.forceSealed();
            segments.truncate(from);
            roller.forceNames(true); // what remains is durable, also the partition directory's name under never
            history.truncate(from); // after the records: a crash between leaves at most an entry at the new end
        } catch (IOException | RuntimeException | Error e) {
            // the cut may be half done (segments deleted, the next offset lowered below): nothing may be
            // appended on top of it, whatever failed — a damaged index entry at the cut included, and an
            // Error (a file operation handed to an I/O thread that could not start)
            throw gate.failClosed(e);
        } finally {
            segments.setNextOffset(Math.min(segments.nextOffset(), from));
            visibility.publish(Math.min(visibility.end(), from));
            truncations++;
        }
        segments.setNextOffset(from);
        rollback.durableUpTo(segments.mark());
        durability.cut(from, new StorageFailedException("records from offset " + from + " of partition " + key
                + " were truncated before they were durable"));
    }
}
