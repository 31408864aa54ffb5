package storelog.store.file;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.concurrent.DelayQueue;
import java.util.concurrent.Delayed;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The background thread of {@code FSYNC=interval|never}: a partition that buffers its first bytes
 * after a flush is scheduled once, {@link FsyncPolicy#flushDelayNanos()} ahead; when due, its
 * buffers are written (and, for interval, forced). It also forces segments sealed by a roll, so the
 * appender does not wait for that fsync. Under {@code always} it looks at a partition that synced,
 * every {@value #RETRY_MILLIS} ms until it went a whole look without a sync, and drops its write
 * buffers then ({@link GroupCommit}). Idle partitions cost nothing: there is no periodic scan.
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

    private final long delayNanos;
    private final DelayQueue<Due> queue = new DelayQueue<>();
    private final Thread thread;
    private final AtomicBoolean started = new AtomicBoolean();

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
        this.thread = threads.newThread(this::run);
    }

    /** Flush {@code task}'s buffers once the delay has passed. */
    void schedule(Task task) {
        add(new Due(task, System.nanoTime() + delayNanos, false));
    }

    /** How many passes are queued (tests). */
    int queued() {
        return queue.size();
    }

    /** Force the segments {@code task} just sealed, now. */
    void scheduleSealSync(Task task) {
        add(new Due(task, System.nanoTime(), true));
    }

    /** Queues {@code due}; the thread starts with the first (under {@code FSYNC=always}, the first sync's look at idle buffers). */
    private void add(Due due) {
        queue.add(due);
        if (!started.get() && started.compareAndSet(false, true)) {
            try {
                thread.start();
            } catch (RuntimeException | Error e) { // no thread (OutOfMemoryError: unable to create native thread): a later add tries again
                queue.remove(due);
                started.set(false);
                throw e;
            }
        }
    }

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
            try {
                if (due.seal()) {
                    if (due.task().syncSealed()) {
                        queue.add(new Due(due.task(), System.nanoTime() + RETRY_NANOS, true));
                    }
                } else if (due.task().flushDue()) {
                    queue.add(new Due(due.task(), System.nanoTime() + RETRY_NANOS, false));
                }
            } catch (RuntimeException | Error e) {
                // not the thread's end: every later flush of every partition depends on it
                LOG.log(Level.ERROR, "background flush of " + due.task().name() + " failed; trying again in 500 ms", e);
                queue.add(new Due(due.task(), System.nanoTime() + RETRY_NANOS, due.seal()));
            }
        }
    }

    /**
     * Stops the thread once what is due now is done; partitions flush themselves when they close. The
     * thread is not interrupted: an interrupt would close the channel of an fsync in progress.
     */
    @Override
    public void close() {
        if (started.compareAndSet(false, true)) {
            return; // never started, and now never will
        }
        queue.add(new Due(null, System.nanoTime(), false));
        try {
            thread.join(TimeUnit.SECONDS.toMillis(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
