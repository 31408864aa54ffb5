package storelog.store.file;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.concurrent.DelayQueue;
import java.util.concurrent.Delayed;
import java.util.concurrent.TimeUnit;

/**
 * The background thread of {@code FSYNC=interval|never}: a partition that buffers its first bytes
 * after a flush is scheduled once, {@link FsyncPolicy#flushDelayNanos()} ahead; when due, its
 * buffers are written (and, for interval, forced). It also forces segments sealed by a roll, so the
 * appender does not wait for that fsync. Idle partitions cost nothing: there is no periodic scan.
 * Thread-safe.
 */
final class Flusher implements AutoCloseable {

    private static final Logger LOG = System.getLogger(Flusher.class.getName());
    /** Wait before retrying a flush that failed on a full disk. */
    private static final long RETRY_NANOS = TimeUnit.MILLISECONDS.toNanos(500);

    private final long delayNanos;
    private final DelayQueue<Due> queue = new DelayQueue<>();
    private final Thread thread;

    /** What is due: a flush of buffered bytes, or the fsync of a segment sealed by a roll. */
    private record Due(PartitionLog log, long at, boolean seal) implements Delayed {
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
        this.delayNanos = delayNanos;
        this.thread = Thread.ofPlatform().name("storelog-flusher").daemon().unstarted(this::run);
        thread.start();
    }

    /** Flush {@code log} once its delay has passed. */
    void schedule(PartitionLog log) {
        queue.add(new Due(log, System.nanoTime() + delayNanos, false));
    }

    /** Force the segment {@code log} just sealed, now. */
    void scheduleSealSync(PartitionLog log) {
        queue.add(new Due(log, System.nanoTime(), true));
    }

    private void run() {
        while (!Thread.currentThread().isInterrupted()) {
            Due due;
            try {
                due = queue.take();
            } catch (InterruptedException e) {
                return;
            }
            try {
                if (due.seal()) {
                    due.log().syncSealed();
                } else if (due.log().backgroundFlush()) {
                    queue.add(new Due(due.log(), System.nanoTime() + RETRY_NANOS, false));
                }
            } catch (RuntimeException e) {
                LOG.log(Level.ERROR, "background flush of partition " + due.log().key() + " failed", e);
            }
        }
    }

    /** Stops the thread; partitions flush themselves when they close. */
    @Override
    public void close() {
        thread.interrupt();
        try {
            thread.join(TimeUnit.SECONDS.toMillis(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
