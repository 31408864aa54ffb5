package storelog.store.file;

import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import storelog.api.PartitionKey;

/**
 * Recovers, after an unclean stop, the partitions nobody has used yet, so that a first use rarely
 * waits for its partition's recovery while the engine serves from the start. One thread walks the
 * partitions that await recovery ({@link PartitionTable#eachAwaitingRecovery}: {@code DATA_DIR} as it
 * is read, no list of them all) and hands each to a few platform threads (their fsyncs overlap;
 * {@link Thread#MIN_PRIORITY}, a hint most Linux JVMs ignore — the small number of threads is what
 * keeps them from crowding out the callers), which recover it through {@link PartitionLog#ensureLoaded},
 * the same path as a caller's first use: whoever comes first recovers the partition under its lock,
 * the other finds it loaded. A recovery that fails is logged and left to the next use, which tries
 * again and reports it; so is a walk that fails.
 *
 * <p>It starts when the node serves ({@link #begin()}, from {@link storelog.api.spi.StorageEngine#serving()}),
 * not at the open: started at the open it competed for the CPU with the node's own start-up (the JVM
 * warming up, Helidon) and put off the moment the node is ready (bench/RESULTS.md, "ready after
 * kill -9"). An embedded engine that is never told starts it after {@code STORE_RECOVERY_DELAY_MS}.
 * Until it starts, its one thread waits and no partition is touched by it; each partition used
 * meanwhile is recovered by that use, as ever. Thread-safe.
 */
final class BackgroundRecovery implements AutoCloseable {

    /** Partitions recovered at once in the background. */
    static final int THREADS = 4;

    private static final Logger LOG = System.getLogger(BackgroundRecovery.class.getName());

    private final PartitionTable table;
    private final Semaphore slots = new Semaphore(THREADS);
    private final AtomicInteger recovered = new AtomicInteger();
    private final AtomicInteger failed = new AtomicInteger();
    private final ExecutorService walker;
    private final ExecutorService recoverers;
    /** Counted down when the node serves, or when closing (the walk is then skipped). */
    private final CountDownLatch due = new CountDownLatch(1);
    private final long scheduled = System.nanoTime();
    private long start;
    private volatile boolean started;
    private volatile boolean stopped;

    private BackgroundRecovery(PartitionTable table) {
        this.table = table;
        ThreadFactory own = Uninterruptible.threads("storelog-recovery-");
        ThreadFactory low = task -> {
            Thread thread = own.newThread(task);
            thread.setPriority(Thread.MIN_PRIORITY);
            return thread;
        };
        this.walker = Executors.newSingleThreadExecutor(low);
        this.recoverers = Executors.newFixedThreadPool(THREADS, low);
    }

    /**
     * Recovers the partitions of {@code table} that await it when their turn comes, from {@link #begin()}
     * on, or after {@code delayMillis} without it.
     */
    static BackgroundRecovery schedule(PartitionTable table, long delayMillis) {
        BackgroundRecovery recovery = new BackgroundRecovery(table);
        recovery.walker.execute(() -> recovery.walkWhenDue(delayMillis));
        recovery.walker.shutdown(); // its thread ends with the walk
        return recovery;
    }

    /** Starts the recovery now, unless it started already or is closed (the node serves). Returns at once. */
    void begin() {
        due.countDown();
    }

    /** Whether the walk began: {@link #begin()} was called or the delay passed, before a close. */
    boolean started() {
        return started;
    }

    private void walkWhenDue(long delayMillis) {
        boolean told = awaitDue(delayMillis);
        if (stopped) {
            recoverers.shutdown(); // none of its threads ever started
            return;
        }
        start = System.nanoTime();
        started = true;
        LOG.log(Level.INFO, "background recovery starts {0} ms after the open: {1}", (start - scheduled) / 1_000_000,
                told ? "the node serves" : "STORE_RECOVERY_DELAY_MS passed without word that the node serves");
        count();
        walk();
    }

    /**
     * Has {@code /metrics}' counts made first ({@link PartitionTable#counts}): a walk of {@code DATA_DIR}
     * that a first scrape would otherwise make while the recoveries below compete with it for the CPU.
     * A close ends that walk where it is.
     */
    private void count() {
        try {
            table.counts(() -> stopped);
        } catch (IOException | RuntimeException e) { // the next /metrics tries again and reports it
            if (!stopped) {
                LOG.log(Level.WARNING, "counting the partitions for /metrics failed: {0}", e.toString());
            }
        }
    }

    /** Waits until {@link #begin()} or a close, at most {@code delayMillis}; returns whether it was not the delay that ended it. */
    private boolean awaitDue(long delayMillis) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(delayMillis);
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return due.await(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void walk() {
        try {
            table.eachAwaitingRecovery(key -> {
                slots.acquireUninterruptibly();
                if (stopped) {
                    slots.release();
                    return false;
                }
                recoverers.execute(() -> recover(key));
                return true;
            });
        } catch (IOException | RuntimeException e) {
            if (!stopped) {
                LOG.log(Level.WARNING, "listing the partitions to recover in the background failed (the rest recover on first use): {0}",
                        e.toString());
            }
        } finally {
            recoverers.shutdown();
            awaitTermination(recoverers);
        }
        if (!stopped) {
            LOG.log(Level.INFO, "recovered {0} partitions in the background in {1} ms ({2} failed)", recovered.get(),
                    (System.nanoTime() - start) / 1_000_000, failed.get());
        }
    }

    private void recover(PartitionKey key) {
        try {
            if (stopped) {
                return;
            }
            PartitionLog log = table.find(key);
            if (log != null) {
                log.ensureLoaded();
                recovered.incrementAndGet();
            }
        } catch (RuntimeException e) { // one partition's failure stops no other's recovery
            if (!stopped) { // else the engine is closing (a closed partition refuses to load)
                failed.incrementAndGet();
                LOG.log(Level.WARNING, "recovering partition {0} in the background failed (its next use tries again): {1}",
                        key, e.toString());
            }
        } finally {
            slots.release();
        }
    }

    /** Takes no further partition (nor starts, if it has not) and waits for the recoveries under way. */
    @Override
    public void close() {
        stopped = true;
        due.countDown();
        awaitTermination(walker); // which waits for the recoverers
    }

    private static void awaitTermination(ExecutorService threads) {
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
