package storelog.store.file;

import java.io.IOException;
import java.nio.file.Path;
import storelog.api.PartitionKey;

/**
 * What every partition of one open engine shares.
 *
 * @param config     the engine's settings
 * @param disk       every file-system operation goes through it
 * @param files      the bounded set of open files (on {@code disk})
 * @param flusher    background flushes ({@code FSYNC=interval|never}) and the drop of idle partitions' write
 *                   buffers ({@code always}); its thread starts on first use
 * @param syncThreads the threads that run group commits' sync loops ({@code FSYNC=always}; started on first use)
 * @param dataDirForce fsyncs of {@code DATA_DIR} for new partitions' names, shared by concurrent creations
 * @param partitionCount the partitions {@code /metrics} counts, kept up to date as they are made and recovered
 */
record StoreContext(StoreConfig config, Disk disk, OpenFiles files, Flusher flusher, SyncThreads syncThreads,
        GroupedDirectoryForce dataDirForce, PartitionCount partitionCount) {

    /**
     * Creates a partition's directory {@code dir} and its missing parents, not forced, and counts the
     * partition when this call made its directory. Called under the partition's lock, so no other
     * call creates the same directory meanwhile: the directories created, outermost first, end with
     * {@code dir} exactly when this one made it.
     */
    void createPartitionDirectory(Path dir) throws IOException {
        if (!disk.createDirectories(dir).isEmpty()) {
            partitionCount.directoryMade();
        }
    }

    /** The {@code FSYNC} policy object of one partition. */
    Durability durabilityOf(PartitionKey key, Durability.Log log) {
        return switch (config.fsync().mode()) {
            case ALWAYS -> new GroupCommit(key, log, syncThreads, flusher);
            case INTERVAL -> new BackgroundFlush(key, log, flusher, true);
            case NEVER -> new BackgroundFlush(key, log, flusher, false);
        };
    }
}
