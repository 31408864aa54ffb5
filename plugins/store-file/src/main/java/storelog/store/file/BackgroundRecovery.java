package storelog.store.file;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.Collection;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Recovers, after an unclean stop, the partitions nobody has used yet, so that a first use rarely
 * waits for its partition's recovery while the engine serves from the start. A few platform threads
 * (their fsyncs overlap; {@link Thread#MIN_PRIORITY}, a hint most Linux JVMs ignore — the small
 * number of threads is what keeps them from crowding out the callers) take the partitions one at a
 * time through {@link PartitionLog#ensureLoaded}, the same path as a caller's first use: whoever
 * comes first recovers the partition under its lock, the other finds it loaded. A recovery that fails
 * is logged and left to the next use, which tries again and reports it. Thread-safe.
 */
final class BackgroundRecovery implements AutoCloseable {

    /** Partitions recovered at once in the background. */
    static final int THREADS = 4;

    private static final Logger LOG = System.getLogger(BackgroundRecovery.class.getName());

    private final Queue<PartitionLog> pending;
    private final AtomicInteger unfinished = new AtomicInteger(THREADS);
    private final AtomicInteger failed = new AtomicInteger();
    private final ExecutorService threads;
    private final long start = System.nanoTime();
    private final int total;
    private volatile boolean stopped;

    private BackgroundRecovery(Collection<PartitionLog> partitions) {
        this.pending = new ConcurrentLinkedQueue<>(partitions);
        this.total = partitions.size();
        ThreadFactory own = Uninterruptible.threads("storelog-recovery-");
        this.threads = Executors.newFixedThreadPool(THREADS, task -> {
            Thread thread = own.newThread(task);
            thread.setPriority(Thread.MIN_PRIORITY);
            return thread;
        });
    }

    /** Starts recovering {@code partitions} (those that still await it when their turn comes). */
    static BackgroundRecovery start(Collection<PartitionLog> partitions) {
        BackgroundRecovery recovery = new BackgroundRecovery(partitions);
        for (int i = 0; i < THREADS; i++) {
            recovery.threads.execute(recovery::drain);
        }
        recovery.threads.shutdown(); // the threads end when the queue is empty
        return recovery;
    }

    private void drain() {
        try {
            PartitionLog log;
            while (!stopped && (log = pending.poll()) != null) {
                try {
                    log.ensureLoaded();
                } catch (RuntimeException e) { // one partition's failure stops no other's recovery
                    if (stopped) {
                        return; // the engine is closing (a closed partition refuses to load)
                    }
                    failed.incrementAndGet();
                    LOG.log(Level.WARNING, "recovering partition {0} in the background failed (its next use tries again): {1}",
                            log.key(), e.toString());
                }
            }
        } finally {
            if (unfinished.decrementAndGet() == 0 && !stopped) {
                LOG.log(Level.INFO, "recovered {0} partitions in the background in {1} ms ({2} failed)", total,
                        (System.nanoTime() - start) / 1_000_000, failed.get());
            }
        }
    }

    /** Takes no further partition and waits for the recoveries under way. */
    @Override
    public void close() {
        stopped = true;
        boolean interrupted = false;
        while (true) {
            try {
                if (threads.awaitTermination(1, TimeUnit.MINUTES)) {
                    break;
                }
                LOG.log(Level.WARNING, "still waiting for a partition's recovery to end before closing");
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
