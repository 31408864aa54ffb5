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
 * @param maxOpenFiles {@code STORE_MAX_OPEN_FILES}: segment files kept open at once (default 1024)
 */
record StoreConfig(Path dataDir, long maxFileSize, FsyncPolicy fsync, int maxOpenFiles) {

    static final long DEFAULT_MAX_FILE_SIZE = 10L << 20;
    /** Smallest segment size: a header and one small frame. */
    static final long MIN_MAX_FILE_SIZE = 64;

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
                (int) settings.longValue("STORE_MAX_OPEN_FILES", 1024, 4, 1_000_000));
    }
}
