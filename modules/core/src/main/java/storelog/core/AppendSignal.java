package storelog.core;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import storelog.api.PartitionKey;

/**
 * Wakes readers waiting for a partition to grow. A waiter takes {@link #next} before it checks the
 * partition's end, so an append between the check and the wait still wakes it. One future per
 * partition, shared by all its waiters, replaced after each append: no polling, no per-waiter cost
 * on the append path. Thread-safe.
 */
final class AppendSignal {

    private static final CompletableFuture<Void> DONE = CompletableFuture.completedFuture(null);

    private final ConcurrentMap<PartitionKey, CompletableFuture<Void>> waiting = new ConcurrentHashMap<>();
    private volatile boolean closed;

    /** A future completed by the next append to {@code partition} (at once after {@link #close()}). */
    CompletableFuture<Void> next(PartitionKey partition) {
        return closed ? DONE : waiting.computeIfAbsent(partition, key -> new CompletableFuture<>());
    }

    /** Wakes every waiter for good (shutdown): nobody waits any more. */
    void close() {
        closed = true;
        waiting.values().forEach(f -> f.complete(null));
        waiting.clear();
    }

    boolean isClosed() {
        return closed;
    }

    /** Records of {@code partition} became visible: wake its waiters. */
    void appended(PartitionKey partition) {
        CompletableFuture<Void> waiters = waiting.remove(partition);
        if (waiters != null) {
            waiters.complete(null);
        }
    }
}
