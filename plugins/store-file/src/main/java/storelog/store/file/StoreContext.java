package storelog.store.file;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import storelog.api.PartitionKey;

/**
 * What every partition of one open engine shares.
 *
 * @param config     the engine's settings
 * @param disk       every file-system operation goes through it
 * @param files      the bounded set of open files (on {@code disk})
 * @param flusher    background flushes ({@code FSYNC=interval|never}; its thread starts on first use)
 * @param syncThreads the threads that run group commits ({@code FSYNC=always}; started on first use)
 * @param dataDirForce fsyncs of {@code DATA_DIR} for new partitions' names, shared by concurrent creations
 */
record StoreContext(StoreConfig config, Disk disk, OpenFiles files, Flusher flusher, ExecutorService syncThreads,
        GroupedDirectoryForce dataDirForce) {

    /**
     * Threads running group commits: a platform thread per partition with appenders waiting (idle ones
     * end after a minute), so the fsyncs of different partitions all overlap and share the file
     * system's journal commits; a fixed pool of 4 held 16 busy partitions to 4 fsyncs at a time. Not
     * virtual threads: under a full CPU a sync loop queued behind the HTTP server's virtual threads
     * stretched every fsync cycle (P3 fell from 24k to 17-22k requests/s, bench/RESULTS.md).
     */
    static ExecutorService newSyncThreads() {
        return Executors.newCachedThreadPool(Uninterruptible.threads("storelog-sync-"));
    }

    /** The {@code FSYNC} policy object of one partition. */
    Durability durabilityOf(PartitionKey key, Durability.Log log) {
        return switch (config.fsync().mode()) {
            case ALWAYS -> new GroupCommit(log, syncThreads);
            case INTERVAL -> new BackgroundFlush(key, log, flusher, true);
            case NEVER -> new BackgroundFlush(key, log, flusher, false);
        };
    }
}
