package storelog.store.file;

import java.io.IOException;
import java.util.Collection;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import storelog.api.PartitionKey;
import storelog.api.StorageFailedException;

/**
 * The engine's partitions in memory. A partition's {@link PartitionLog} is made when the partition is
 * first touched, after one {@code stat} of its directory — opening lists nothing, so the time to open
 * does not grow with the number of partitions. A partition found on disk is recovered as
 * {@link DataDirectory#recoveryOf} says, exactly as if it had been found at open: a directory with no
 * log in memory was there before this run, since a partition created in this run has its log here
 * before its directory exists. What must see every partition walks {@code DATA_DIR}
 * ({@link PartitionWalk}). Thread-safe.
 */
final class PartitionTable {

    private final ConcurrentHashMap<PartitionKey, PartitionLog> logs = new ConcurrentHashMap<>();
    /** The partitions this run made (no directory when first touched): their logs are here before their directories exist. */
    private final Set<PartitionKey> made = ConcurrentHashMap.newKeySet();
    private final DataDirectory directory;
    private final StoreContext context;
    private volatile boolean closed;

    PartitionTable(DataDirectory directory, StoreContext context) {
        this.directory = directory;
        this.context = context;
    }

    /**
     * The partition, or null when it has neither a directory nor a log in memory (a log in memory may
     * still be a partition whose first append is in flight: see {@link PartitionLog#exists}).
     *
     * @throws StorageFailedException when its directory cannot be looked at (never read as absent)
     */
    PartitionLog find(PartitionKey key) {
        PartitionLog log = logs.get(key);
        if (log != null) {
            return log;
        }
        return onDisk(key) ? admit(key, directory.recoveryOf(key), false) : null;
    }

    /** The partition, made in memory if it is new (its directory comes with its first append). */
    PartitionLog findOrCreate(PartitionKey key) {
        PartitionLog log = logs.get(key);
        if (log != null) {
            return log;
        }
        boolean found = onDisk(key);
        return admit(key, found ? directory.recoveryOf(key) : DataDirectory.Recovery.NONE, !found);
    }

    /**
     * Adds a log unless another thread did first. A log added while {@link #close()} runs might be
     * missed by the engine's close, so after adding one the table checks again and closes it itself:
     * close sets {@code closed} before the engine walks the logs, so either that walk sees the new log
     * or this check sees {@code closed}.
     */
    private PartitionLog admit(PartitionKey key, DataDirectory.Recovery recovery, boolean isNew) {
        PartitionLog log = logs.computeIfAbsent(key, k -> {
            if (isNew) { // before the log is seen, so before anything can create its directory
                made.add(k);
            }
            return new PartitionLog(k, context, recovery);
        });
        if (closed) {
            log.close();
            throw new IllegalStateException("the storage engine is closed");
        }
        return log;
    }

    private boolean onDisk(PartitionKey key) {
        try {
            return context.disk().directoryExists(key.directoryIn(directory.root()));
        } catch (IOException e) {
            throw new StorageFailedException("cannot tell whether partition " + key + " exists in " + directory.root()
                    + ": " + e, e);
        }
    }

    /** The partitions touched in this run (in memory), live: a concurrent addition may or may not be seen. */
    Collection<PartitionLog> touched() {
        return logs.values();
    }

    /** Calls {@code visit} with each partition that has a directory, until it returns false (no log is made). */
    boolean eachOnDisk(Predicate<PartitionKey> visit) throws IOException {
        return PartitionWalk.each(context.disk(), directory.root(), visit);
    }

    /** What {@code /metrics} counts: a walk of {@code DATA_DIR} by the first call only ({@link PartitionCount}). */
    PartitionCount.Counts counts() throws IOException {
        return counts(() -> false);
    }

    /**
     * As {@link #counts()}, but a walk that finds {@code stop} true ends there (a closing engine's
     * background recovery must not hold its close for the rest of a walk: seconds at 100,000
     * partitions) and throws {@link CancellationException}; nothing is kept, the next call walks.
     */
    PartitionCount.Counts counts(BooleanSupplier stop) throws IOException {
        return context.partitionCount().counts(() -> countFound(stop));
    }

    /**
     * Walks {@code DATA_DIR} and counts the partitions this run did not make, and those of them that
     * needed crash recovery at the open ({@link PartitionCount}); no log is made.
     */
    private PartitionCount.Found countFound(BooleanSupplier stop) throws IOException {
        long[] found = new long[2];
        boolean whole = eachOnDisk(key -> {
            if (stop.getAsBoolean()) {
                return false;
            }
            if (!made.contains(key)) {
                found[0]++;
                if (directory.needsRecovery(key)) {
                    found[1]++;
                }
            }
            return true;
        });
        if (!whole) {
            throw new CancellationException("counting the partitions in " + directory.root() + " was stopped");
        }
        return new PartitionCount.Found(found[0], found[1]);
    }

    /** Whether partition {@code key} still awaits its crash recovery (no log is made). */
    private boolean awaitsRecovery(PartitionKey key) {
        PartitionLog log = logs.get(key);
        return log == null ? directory.needsRecovery(key) : log.awaitsRecovery();
    }

    /**
     * Calls {@code visit} with each partition that still awaits its crash recovery, until it returns
     * false; no log is made. After a crash that walks {@code DATA_DIR}; after a clean stop only the
     * partitions its marker named are looked at.
     */
    boolean eachAwaitingRecovery(Predicate<PartitionKey> visit) throws IOException {
        return directory.eachNeedingRecovery(key -> !awaitsRecovery(key) || visit.test(key));
    }

    /** Refuses new logs from now on (each one added meanwhile is closed by its adder). */
    void close() {
        closed = true;
    }
}
