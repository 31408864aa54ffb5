package storelog.store.file;

import java.nio.file.Path;
import storelog.api.InvalidSettingException;
import storelog.api.Settings;

/**
 * The file engine's settings.
 *
 * @param dataDir      {@code DATA_DIR}, default {@code ./data}
 * @param maxFileSize  {@code MAX_FILE_SIZE}: a segment rolls when the next append's frames (a batch is
 *                     never split) would take its store file past this many bytes (default 10 MiB)
 * @param fsync        {@code FSYNC}, default {@code always}
 * @param maxOpenFiles {@code STORE_MAX_OPEN_FILES}: segment files kept open at once (default: from the
 *                     process's file-descriptor limit, {@link OpenFileBudget})
 * @param recoveryDelayMillis {@code STORE_RECOVERY_DELAY_MS}: after an unclean stop, how long the
 *                     background recovery waits for the node to serve ({@link
 *                     storelog.api.spi.StorageEngine#serving()}) before it starts anyway (default
 *                     10,000; 0 starts it at the open). Only when it starts: a partition used earlier
 *                     is recovered by that use, as always.
 */
record StoreConfig(Path dataDir, long maxFileSize, FsyncPolicy fsync, int maxOpenFiles, long recoveryDelayMillis) {

    static final long DEFAULT_MAX_FILE_SIZE = 10L << 20;
    /**
     * Long enough for a node's start-up (the JVM, plugins, Helidon, joining a cluster: a few seconds)
     * to end first; short enough that an embedded engine nobody tells recovers its partitions soon.
     */
    static final long DEFAULT_RECOVERY_DELAY_MILLIS = 10_000;
    /** Smallest segment size: a header and one small frame. */
    static final long MIN_MAX_FILE_SIZE = 64;

    /** Settings with the default {@code STORE_RECOVERY_DELAY_MS}. */
    StoreConfig(Path dataDir, long maxFileSize, FsyncPolicy fsync, int maxOpenFiles) {
        this(dataDir, maxFileSize, fsync, maxOpenFiles, DEFAULT_RECOVERY_DELAY_MILLIS);
    }

    static StoreConfig from(Settings settings) {
        String dir = settings.string("DATA_DIR", "./data");
        Path dataDir;
        try {
            dataDir = Path.of(dir).toAbsolutePath().normalize();
        } catch (java.nio.file.InvalidPathException e) {
            throw new InvalidSettingException("DATA_DIR", dir, "not a valid path: " + e.getReason());
        }
        return new StoreConfig(dataDir,
                settings.longValue("MAX_FILE_SIZE", DEFAULT_MAX_FILE_SIZE, MIN_MAX_FILE_SIZE, 1L << 40),
                FsyncPolicy.parse(settings.string(FsyncPolicy.VARIABLE, "always")),
                settings.string("STORE_MAX_OPEN_FILES", null) == null
                        ? OpenFileBudget.forThisProcess((int) settings.longValue("MAX_CONNECTIONS",
                                OpenFileBudget.DEFAULT_MAX_CONNECTIONS, 1, 1_000_000))
                        : (int) settings.longValue("STORE_MAX_OPEN_FILES", 0, OpenFileBudget.MIN, 1_000_000),
                settings.longValue("STORE_RECOVERY_DELAY_MS", DEFAULT_RECOVERY_DELAY_MILLIS, 0, 3_600_000));
    }
}
