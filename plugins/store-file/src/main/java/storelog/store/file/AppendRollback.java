package storelog.store.file;

import java.io.IOException;
import java.nio.file.Path;
import storelog.api.PartitionKey;
import storelog.api.StoreLogException;

/**
 * Undoing what a partition wrote but may not keep: a failed append is rolled back to where it
 * started, so offsets stay gap-free; a failed group commit rolls back to the log as the last
 * successful sync left it (the durable mark), so no record that was never acknowledged reappears.
 * The epoch history is told where the log now ends. What cannot be undone fails the partition closed
 * ({@link WriteGate}). Used under the partition lock.
 */
final class AppendRollback {

    private final PartitionKey key;
    private final Path dir;
    private final SegmentList segments;
    private final EpochHistory history;
    private final WriteGate gate;
    private final Durability durability;
    /** Where a failed group commit rolls back to: the log as the last successful sync left it. */
    private LogMark durableMark = LogMark.EMPTY;

    /** Rolls back {@code segments} of partition {@code key} (in {@code dir}) and its {@code history}. */
    AppendRollback(PartitionKey key, Path dir, SegmentList segments, EpochHistory history, WriteGate gate,
            Durability durability) {
        this.key = key;
        this.dir = dir;
        this.segments = segments;
        this.history = history;
        this.gate = gate;
        this.durability = durability;
    }

    /** The log up to {@code mark} is durable: a failed group commit rolls back to it. */
    void durableUpTo(LogMark mark) {
        durableMark = mark;
    }

    /**
     * Rolls back to {@code start} after a failed append; returns what the caller should throw. An
     * {@link Error} fails the partition closed like an unexpected I/O error: its outcome is unknown.
     */
    RuntimeException abandon(LogMark start, Throwable cause) {
        try {
            rollBack(start);
        } catch (IOException | RuntimeException e) {
            cause.addSuppressed(e);
            return gate.failClosed(cause);
        }
        if (cause instanceof StoreLogException || cause instanceof IllegalArgumentException) {
            return (RuntimeException) cause;
        }
        StoreLogException clean = cause instanceof IOException io ? IoErrors.nothingStored(io, dir, "the append to partition " + key)
                : null;
        return clean != null ? clean : gate.failClosed(cause);
    }

    /** Nothing unsynced can be acknowledged any more: all of it goes, its appenders fail. */
    void flushFailed(IOException cause) {
        RuntimeException result = abandon(durableMark, cause);
        if (result instanceof StoreLogException e && !gate.failed()) {
            durability.cut(durableMark.nextOffset(), e);
        }
    }

    /** An fsync of a group commit failed ({@link Durability.Log#syncFailed}). */
    void syncFailed(IOException cause) {
        try {
            rollBack(durableMark); // best effort: unacknowledged records should not reappear after a restart
        } catch (IOException | RuntimeException undo) {
            cause.addSuppressed(undo);
        }
        gate.failClosed(cause);
    }

    private void rollBack(LogMark to) throws IOException {
        segments.rollBack(to);
        history.rolledBack(segments.nextOffset());
    }
}
