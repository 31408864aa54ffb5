package storelog.store.file;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.concurrent.DelayQueue;
import java.util.concurrent.Delayed;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The background thread of {@code FSYNC=interval|never}: a partition that buffers its first bytes
 * after a flush is scheduled once, {@link FsyncPolicy#flushDelayNanos()} ahead; when due, its
 * buffers are written (and, for interval, forced). It also forces segments sealed by a roll, so the
 * appender does not wait for that fsync. Under {@code always} it looks at a partition that synced,
 * every {@value #RETRY_MILLIS} ms until it went a whole look without a sync, and drops its write
 * buffers then ({@link GroupCommit}). Idle partitions cost nothing: there is no periodic scan.
 * Passes are queued whether or not the thread could start ({@link #running}); none is ever dropped.
 * Thread-safe.
 */
final class Flusher implements AutoCloseable {

    /** What the flusher does for one partition ({@link BackgroundFlush}). */
    interface Task {
        /** For log lines. */
        String name();

        /** Writes (and maybe forces) the buffered bytes; returns whether to try again later (a full disk). */
        boolean flushDue();

        /** Forces the segments sealed by rolls that still wait for it; returns whether to try again later (no descriptor). */
        boolean syncSealed();
    }

    private static final Logger LOG = System.getLogger(Flusher.class.getName());
    /** Wait before retrying a flush that failed on a full disk (or a task asked to be looked at again). */
    static final long RETRY_MILLIS = 500;
    private static final long RETRY_NANOS = TimeUnit.MILLISECONDS.toNanos(RETRY_MILLIS);
    /** At most one WARNING this often about a thread that cannot start, however many appends try. */
    private static final long WARNING_NANOS = TimeUnit.SECONDS.toNanos(10);

    private final long delayNanos;
    private final DelayQueue<Due> queue = new DelayQueue<>();
    private final ThreadFactory threads;
    /** Set once the thread runs (under this monitor); read without it on every append. */
    private volatile boolean started;
    /** The thread, once started (this monitor). */
    private Thread thread;
    /** Whether {@link #close} ran (this monitor): the thread never starts after it. */
    private boolean closed;
    /** Failed starts of the thread so far (this monitor). */
    private long failedStarts;
    /** When the last WARNING about a failed start was logged (this monitor). */
    private long lastWarningNanos;

    /** What is due: a flush of buffered bytes, or the fsync of segments sealed by a roll; a null task stops the thread. */
    private record Due(Task task, long at, boolean seal) implements Delayed {
        @Override
        public long getDelay(TimeUnit unit) {
            return unit.convert(at - System.nanoTime(), TimeUnit.NANOSECONDS);
        }

        @Override
        public int compareTo(Delayed other) {
            return Long.compare(at, ((Due) other).at);
        }
    }

    Flusher(long delayNanos) {
        this(delayNanos, Uninterruptible.threads("storelog-flusher-"));
    }

    /** With the thread made by {@code threads} (tests: one that cannot start). */
    Flusher(long delayNanos, ThreadFactory threads) {
        this.delayNanos = delayNanos;
        this.threads = threads;
    }

    /** Flush {@code task}'s buffers once the delay has passed. */
    void schedule(Task task) {
        schedule(task, System.nanoTime());
    }

    /** Flush {@code task}'s buffers once the delay has passed since {@code since} ({@link System#nanoTime}). */
    void schedule(Task task, long since) {
        add(new Due(task, since + delayNanos, false));
    }

    /** How many passes are queued (tests). */
    int queued() {
        return queue.size();
    }

    /** Force the segments {@code task} just sealed, now. */
    void scheduleSealSync(Task task) {
        add(new Due(task, System.nanoTime(), true));
    }

    /**
     * Queues {@code due}, kept until the thread takes it; the thread starts with the first (under
     * {@code FSYNC=always}, the first sync's look at idle buffers).
     */
    private void add(Due due) {
        queue.add(due);
        running();
    }

    /**
     * Whether the thread runs, starting it if it does not yet: one volatile read once it does. A start
     * that fails (OutOfMemoryError: unable to create native thread, a container's pids limit) leaves
     * every queued pass queued, and the next call tries again, so partitions call this on every append
     * while it returns false: their passes run once a thread can be made, or they close first.
     */
    boolean running() {
        return started || start();
    }

    private synchronized boolean start() {
        if (started || closed) {
            return started;
        }
        try {
            Thread made = threads.newThread(this::run);
            made.start();
            thread = made;
            started = true;
            if (failedStarts > 0) {
                LOG.log(Level.WARNING, "the background flusher started after {0} failed attempts", failedStarts);
            }
        } catch (RuntimeException | Error e) { // nothing else to do: what is queued waits for the next attempt
            failedStarts++;
            long now = System.nanoTime();
            if (failedStarts == 1 || now - lastWarningNanos >= WARNING_NANOS) {
                LOG.log(Level.WARNING, "the background flusher thread could not start ({0}; {1} failed attempts): buffered "
                        + "records wait in memory until it starts, tried again at every append, or until their partition "
                        + "closes", e.toString(), failedStarts);
                lastWarningNanos = now;
            }
        }
        return started;
    }

    /**
     * Takes the passes as they fall due. Nothing a pass throws ends the thread, not even an Error while
     * reporting it (an OutOfMemoryError building the message or logging the stack trace): every later pass
     * of every partition depends on this one thread, and {@link #running} answers true once it started.
     */
    private void run() {
        while (true) {
            Due due;
            try {
                due = queue.take();
            } catch (InterruptedException e) {
                return;
            }
            if (due.task() == null) {
                return;
            }
            boolean again;
            try {
                again = due.seal() ? due.task().syncSealed() : due.task().flushDue();
            } catch (RuntimeException | Error e) {
                again = true;
                reportFailed(due, e);
            }
            if (again) {
                retry(due);
            }
        }
    }

    /** Logs a pass that threw (trying again in 500 ms); never throws: the pass is retried all the same. */
    private static void reportFailed(Due due, Throwable e) {
        try {
            // not the thread's end: every later flush of every partition depends on it
            LOG.log(Level.ERROR, "background flush of " + due.task().name() + " failed; trying again in 500 ms", e);
        } catch (RuntimeException | Error ignored) {
            // no heap even for the report: the retry below matters more
        }
    }

    /** Queues {@code due}'s task again in {@value #RETRY_MILLIS} ms; while even that fails (no heap), waits and tries again. */
    private void retry(Due due) {
        while (true) {
            try {
                queue.add(new Due(due.task(), System.nanoTime() + RETRY_NANOS, due.seal()));
                return;
            } catch (RuntimeException | Error e) { // a lost pass would leave its partition scheduled and never flushed
                LockSupport.parkNanos(RETRY_NANOS);
            }
        }
    }

    /**
     * Stops the thread once what is due now is done; partitions flush themselves when they close. The
     * thread is not interrupted: an interrupt would close the channel of an fsync in progress.
     */
    @Override
    public void close() {
        Thread running;
        synchronized (this) {
            closed = true;
            running = thread;
        }
        if (running == null) {
            return; // never started, and now never will: the partitions' closes write what is queued
        }
        queue.add(new Due(null, System.nanoTime(), false));
        try {
            running.join(TimeUnit.SECONDS.toMillis(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
