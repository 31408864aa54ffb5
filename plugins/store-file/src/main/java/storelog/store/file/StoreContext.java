package storelog.store.file;

import storelog.api.PartitionKey;

/**
 * What every partition of one open engine shares.
 *
 * @param config     the engine's settings
 * @param disk       every file-system operation goes through it
 * @param files      the bounded set of open files (on {@code disk})
 * @param flusher    background flushes ({@code FSYNC=interval|never}; its thread starts on first use)
 * @param syncThreads the threads that run group commits' sync loops ({@code FSYNC=always}; started on first use)
 * @param dataDirForce fsyncs of {@code DATA_DIR} for new partitions' names, shared by concurrent creations
 */
record StoreContext(StoreConfig config, Disk disk, OpenFiles files, Flusher flusher, SyncThreads syncThreads,
        GroupedDirectoryForce dataDirForce) {

    /** The {@code FSYNC} policy object of one partition. */
    Durability durabilityOf(PartitionKey key, Durability.Log log) {
        return switch (config.fsync().mode()) {
            case ALWAYS -> new GroupCommit(log, syncThreads);
            case INTERVAL -> new BackgroundFlush(key, log, flusher, true);
            case NEVER -> new BackgroundFlush(key, log, flusher, false);
        };
    }
}
