package storelog.store.file;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import storelog.api.PartitionKey;
import storelog.api.StorageFailedException;

/**
 * Whether a partition takes writes: not once the engine closed it, nor once it <em>failed
 * closed</em> — after a failed fsync or an I/O error that could not be undone, appends throw
 * {@link StorageFailedException} until the engine is reopened. Closed and failed are set under the
 * partition lock; whether the partition failed may be asked from any thread.
 */
final class WriteGate {

    private final PartitionKey key;
    private final Durability durability;
    /** Where the failure is logged: the partition's logger, a failure being the partition's event. */
    private final Logger log;
    private volatile StorageFailedException failure;
    /** Whether the engine closed the partition (lock held). */
    private boolean closed;

    /** The gate of partition {@code key}, whose {@code durability} is told when it fails closed (logged to {@code log}). */
    WriteGate(PartitionKey key, Durability durability, Logger log) {
        this.key = key;
        this.durability = durability;
        this.log = log;
    }

    /** Throws unless the partition takes writes (lock held): closed, or failed closed. */
    void check() {
        if (closed) {
            throw new IllegalStateException("the storage engine is closed");
        }
        if (failure != null) {
            throw failure;
        }
    }

    /** Whether appends are allowed: not closed, not failed (lock held). */
    boolean open() {
        return !closed && failure == null;
    }

    /** Whether the partition failed closed (any thread). */
    boolean failed() {
        return failure != null;
    }

    /** Whether the engine closed the partition (lock held). */
    boolean closed() {
        return closed;
    }

    /** The engine closes the partition (lock held): it refuses further use. */
    void close() {
        closed = true;
    }

    /**
     * Fails the partition closed (lock held): every later write throws the failure, and the durability
     * policy ends every appender still waiting. Returns the failure — the first one, when it failed before.
     */
    StorageFailedException failClosed(Throwable cause) {
        if (failure == null) {
            failure = new StorageFailedException("partition " + key + " refuses writes after a storage failure ("
                    + cause.getMessage() + "); it recovers when StoreLog restarts", cause);
            log.log(Level.ERROR, "partition " + key + " failed closed", cause);
            durability.failed(failure);
        }
        return failure;
    }
}
