package storelog.store.file;

import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The platform threads that run group commits' sync loops ({@code FSYNC=always}): at most
 * {@value #MAX_THREADS} at once, so the fsyncs of that many busy partitions overlap and share the file
 * system's journal commits, and 10,000 partitions with waiting appenders do not hold 10,000 threads
 * (review4). More loops wait in line; a running loop lets its thread go after a sync when others wait
 * ({@link #othersWaiting}), so every busy partition gets its turn. Idle threads end after a minute.
 * Not virtual threads: under a full CPU a sync loop queued behind the HTTP server's virtual threads
 * stretched every fsync cycle (P3 fell from 24k to 17-22k requests/s, bench/RESULTS.md).
 */
final class SyncThreads implements GroupCommitter.SyncExecutor {

    static final int MAX_THREADS = 16;

    private final ThreadPoolExecutor pool = new ThreadPoolExecutor(MAX_THREADS, MAX_THREADS, 1, TimeUnit.MINUTES,
            new LinkedBlockingQueue<>(), Uninterruptible.threads("storelog-sync-"));

    SyncThreads() {
        pool.allowCoreThreadTimeOut(true);
    }

    @Override
    public void execute(Runnable loop) {
        pool.execute(loop);
    }

    @Override
    public boolean othersWaiting() {
        return !pool.getQueue().isEmpty();
    }

    /** Takes no new loop; the running and queued ones finish (never interrupted). */
    void shutdown() {
        pool.shutdown();
    }
}
