package storelog.core;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import storelog.api.PartitionKey;

/**
 * Wakes readers waiting for a partition to grow, and bounds how many wait at once.
 *
 * <p>A reader {@linkplain #join joins} a partition's waiters before it checks the partition's end, so
 * an append between the check and the wait still wakes it, and {@linkplain Waiter#close() leaves}
 * when it stops waiting. The waiters of one partition share one future, completed and dropped by the
 * next append: no polling, no per-waiter cost on the append path. A partition has an entry only while
 * someone waits on it, so readers of ever new keys leave nothing behind. Thread-safe.
 */
final class AppendSignal {

    private final int maxWaiting;
    private final ConcurrentMap<PartitionKey, Waiters> waiting = new ConcurrentHashMap<>();
    private final AtomicInteger waiters = new AtomicInteger();
    private final LongAdder refused = new LongAdder();
    private volatile boolean closed;

    /** @param maxWaiting most readers that may wait at once */
    AppendSignal(int maxWaiting) {
        if (maxWaiting < 1) {
            throw new IllegalArgumentException("maxWaiting must be at least 1, not " + maxWaiting);
        }
        this.maxWaiting = maxWaiting;
    }

    /** The waiters of one partition: the future the next append completes, and how many hold it. */
    private static final class Waiters {
        final CompletableFuture<Void> appended = new CompletableFuture<>();
        int count; // changed only inside the map's compute functions, which lock the key
    }

    /**
     * Joins the waiters of {@code partition}; close the result when done waiting. After
     * {@link #close()} the waiter is woken at once.
     *
     * @throws TooManyLongPollsException when {@code maxWaiting} readers wait already
     */
    Waiter join(PartitionKey partition) {
        if (waiters.incrementAndGet() > maxWaiting) {
            waiters.decrementAndGet();
            refused.increment();
            throw new TooManyLongPollsException(maxWaiting);
        }
        Waiters shared = waiting.compute(partition, (key, current) -> {
            Waiters w = current == null ? new Waiters() : current;
            w.count++;
            return w;
        });
        if (closed) {
            shared.appended.complete(null); // joined while closing: close() may have missed it
        }
        return new Waiter(partition, shared);
    }

    /** Records of {@code partition} became visible: wake its waiters. */
    void appended(PartitionKey partition) {
        Waiters w = waiting.remove(partition);
        if (w != null) {
            w.appended.complete(null);
        }
    }

    /** Wakes every waiter for good (shutdown); later waiters are woken at once. */
    void close() {
        closed = true;
        waiting.values().forEach(w -> w.appended.complete(null));
    }

    boolean isClosed() {
        return closed;
    }

    /** Readers waiting now. */
    int waiting() {
        return waiters.get();
    }

    /** Partitions someone waits on now. */
    int partitions() {
        return waiting.size();
    }

    /** Readers refused because {@code maxWaiting} waited already. */
    long refused() {
        return refused.sum();
    }

    private void leave(PartitionKey partition, Waiters shared) {
        waiting.computeIfPresent(partition, (key, current) -> current != shared || --current.count > 0 ? current : null);
        waiters.decrementAndGet();
    }

    /** One reader's place among a partition's waiters. Used by one thread. */
    final class Waiter implements AutoCloseable {
        private final PartitionKey partition;
        private final Waiters shared;
        private boolean left;

        private Waiter(PartitionKey partition, Waiters shared) {
            this.partition = partition;
            this.shared = shared;
        }

        /** Waits up to {@code nanos} for the next append (or the close); false when the time ran out. */
        boolean await(long nanos) throws InterruptedException {
            try {
                shared.appended.get(nanos, TimeUnit.NANOSECONDS);
                return true;
            } catch (TimeoutException e) {
                return false;
            } catch (ExecutionException e) {
                throw new IllegalStateException("append signal failed", e); // never completed exceptionally
            }
        }

        /** Leaves the partition's waiters; idempotent. */
        @Override
        public void close() {
            if (!left) {
                left = true;
                leave(partition, shared);
            }
        }
    }
}
