package storelog.store.file;

import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Runs a short file operation on a channel of its own — an fsync, a segment creation, an index
 * rebuild, a directory fsync — on a platform thread nobody interrupts, while the caller waits without
 * being interruptible (its interrupt stays set for later). A {@link java.nio.channels.FileChannel}
 * used by an interrupted thread closes itself and fails the operation, even an interrupt that arrives
 * in the middle of it: a cancelled request must not fail a segment creation or a directory fsync for
 * the whole partition, and an fsync's own error must not hide behind the close (the JDK then reports
 * {@link java.nio.channels.ClosedByInterruptException} instead). (Shared channels retry instead, see
 * {@link BufferedFile}.)
 *
 * <p>The engine's own threads ({@link #threads}: group commit, background flush) are never
 * interrupted, so they run the operation themselves: the hand-off to another thread and back cost
 * each group commit about a fifth of an fsync's time.
 */
final class Uninterruptible {

    /** A file operation. */
    @FunctionalInterface
    interface Operation {
        void run() throws IOException;
    }

    /**
     * At most this many operations run at once; more wait in line. Each blocks a platform thread on the
     * device, and callers are not bounded (one request thread per partition appending alone hands its
     * fsync here): unbounded, 10,000 partitions would hold 10,000 threads (review4, SyncThreadBoundTest).
     * Sixteen fsyncs in flight are more than a disk's journal commits need to be shared.
     */
    static final int MAX_THREADS = 16;

    /** Set on the threads {@link #threads} makes. */
    private static final ThreadLocal<Boolean> OWN = ThreadLocal.withInitial(() -> false);

    /**
     * Up to {@link #MAX_THREADS} threads; idle ones end after a minute. They are never interrupted and
     * run nested operations themselves (an operation waiting in line for a thread held by its own
     * caller would never run).
     */
    private static final ExecutorService THREADS = bounded();

    /** Permits of virtual threads to block their carrier in an operation of their own ({@link #runOnCaller}). */
    private static final Semaphore CARRIERS = new Semaphore(MAX_THREADS);

    private Uninterruptible() {
    }

    /**
     * Platform daemon threads named {@code name}{@code N} that run operations themselves. Whoever
     * owns them must never interrupt them (executors end with {@code shutdown()}, not
     * {@code shutdownNow()}).
     */
    static ThreadFactory threads(String name) {
        return own(Thread.ofPlatform().name(name, 0).daemon().factory());
    }

    private static ExecutorService bounded() {
        ThreadPoolExecutor pool = new ThreadPoolExecutor(MAX_THREADS, MAX_THREADS, 1, TimeUnit.MINUTES, new LinkedBlockingQueue<>(),
                own(Thread.ofPlatform().name("storelog-io-", 0).daemon().factory()));
        pool.allowCoreThreadTimeOut(true);
        return pool;
    }

    private static ThreadFactory own(ThreadFactory factory) {
        return task -> factory.newThread(() -> {
            OWN.set(true);
            task.run();
        });
    }

    /**
     * Runs an operation that an interrupt neither ends nor hides (no NIO channel: the local disk's
     * fsync) on the caller's thread, with no hand-off. A virtual caller blocked in it holds its carrier,
     * and the scheduler starts another carrier in its place (up to 256): so N partitions' lone virtual
     * appenders would start N platform threads, the bound {@link #MAX_THREADS} is for (review1,
     * FsyncShimTest). At most {@link #MAX_THREADS} virtual callers run it themselves at once; the
     * others hand it to the pool and unmount while they wait ({@link #run}).
     */
    static void runOnCaller(Operation operation) throws IOException {
        if (!Thread.currentThread().isVirtual()) {
            operation.run();
        } else if (CARRIERS.tryAcquire()) {
            try {
                operation.run();
            } finally {
                CARRIERS.release();
            }
        } else {
            run(operation);
        }
    }

    static void run(Operation operation) throws IOException {
        if (OWN.get() && !Thread.currentThread().isInterrupted()) {
            operation.run();
            return;
        }
        CompletableFuture<Void> done = new CompletableFuture<>();
        THREADS.execute(() -> {
            try {
                operation.run();
                done.complete(null);
            } catch (Throwable e) {
                done.completeExceptionally(e);
            }
        });
        try {
            done.join(); // not interruptible: the caller learns the outcome, whatever happens to it meanwhile
        } catch (CompletionException e) {
            switch (e.getCause()) {
                case IOException io -> throw io;
                case RuntimeException re -> throw re;
                case Error error -> throw error;
                default -> throw e;
            }
        }
    }
}
