package storelog.store.file;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * What every partition of one open engine shares.
 *
 * @param config     the engine's settings
 * @param disk       every file-system operation goes through it
 * @param files      the bounded set of open files (on {@code disk})
 * @param flusher    background flushes ({@code FSYNC=interval|never}), else null
 * @param syncThreads the threads that run group commits ({@code FSYNC=always}), else null
 * @param cleanStart whether the engine was shut down cleanly before this start
 */
record StoreContext(StoreConfig config, Disk disk, OpenFiles files, Flusher flusher, ExecutorService syncThreads, boolean cleanStart) {

    /** Threads running group commits: fsyncs of different partitions overlap, up to this many. */
    static final int SYNC_THREADS = 4;

    static ExecutorService newSyncThreads() {
        return Executors.newFixedThreadPool(SYNC_THREADS, Thread.ofPlatform().name("storelog-sync-", 0).daemon().factory());
    }
}
