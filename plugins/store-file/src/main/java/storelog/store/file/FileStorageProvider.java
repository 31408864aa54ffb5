package storelog.store.file;

import java.io.IOException;
import java.nio.file.Path;
import storelog.api.Settings;
import storelog.api.spi.StorageEngine;
import storelog.api.spi.StorageEngineProvider;
import storelog.api.spi.VerificationReport;

/**
 * The {@code file} storage engine: StoreLog's default. Settings: {@code DATA_DIR},
 * {@code MAX_FILE_SIZE}, {@code FSYNC}, {@code STORE_MAX_OPEN_FILES}, {@code STORE_RECOVERY_DELAY_MS}
 * (see {@link StoreConfig}).
 */
public final class FileStorageProvider implements StorageEngineProvider {

    /** The engine's configuration name. */
    public static final String NAME = "file";

    public FileStorageProvider() {
        // found by ServiceLoader
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public StorageEngine open(Settings settings) {
        return FileStorageEngine.open(StoreConfig.from(settings), Disk.LOCAL);
    }

    @Override
    public VerificationReport verify(Settings settings, boolean repair) {
        return Verifier.verify(StoreConfig.from(settings).dataDir(), repair);
    }

    @Override
    public void dump(Path file, Appendable out) throws IOException {
        if (file.getFileName() != null && file.getFileName().toString().equals(EpochHistoryFile.NAME)) {
            EpochHistoryFile.dump(file, out);
        } else {
            SegmentDump.dump(file, out);
        }
    }
}
