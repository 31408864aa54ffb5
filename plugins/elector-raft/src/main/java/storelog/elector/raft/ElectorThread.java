package storelog.elector.raft;

import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The elector's one daemon thread: runs the tick every {@code periodMillis} ms and soon after each
 * {@link #nudge()}. Nudges coalesce: while a nudged tick is queued, another adds none. Thread-safe.
 */
final class ElectorThread {

    private final ScheduledThreadPoolExecutor executor;
    private final Runnable tick;
    private final AtomicBoolean queued = new AtomicBoolean();

    ElectorThread(String name, ClassLoader loader, long periodMillis, Runnable tick) {
        this.tick = tick;
        this.executor = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            t.setContextClassLoader(loader);
            return t;
        });
        executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        executor.scheduleWithFixedDelay(this::run, 0, periodMillis, TimeUnit.MILLISECONDS);
    }

    /** Runs a tick soon (coalesced); none once stopped. */
    void nudge() {
        if (queued.compareAndSet(false, true)) {
            try {
                executor.execute(this::run);
            } catch (RejectedExecutionException e) {
                // stopped
            }
        }
    }

    private void run() {
        queued.set(false);
        tick.run();
    }

    /** Interrupts a running tick, runs no more, and waits up to 5 s for the thread to end. */
    void stop() {
        executor.shutdownNow();
        try {
            executor.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
