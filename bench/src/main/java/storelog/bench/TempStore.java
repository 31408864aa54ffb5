package storelog.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;
import storelog.api.Settings;
import storelog.api.spi.StorageEngine;
import storelog.core.PluginRegistry;

/** A file engine in a fresh directory under {@code BENCH_WORK} (default /tmp/storelog-bench), deleted after. */
final class TempStore implements AutoCloseable {

    private final Path dir;
    private StorageEngine engine;

    static {
        // the engine logs one line per open; keep benchmark output readable
        java.util.logging.Logger.getLogger("storelog").setLevel(java.util.logging.Level.WARNING);
    }

    TempStore(String fsync) {
        try {
            Path work = Path.of(System.getenv().getOrDefault("BENCH_WORK", "/tmp/storelog-bench"));
            Files.createDirectories(work);
            dir = Files.createTempDirectory(work, "store-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        this.engine = open(fsync);
    }

    private StorageEngine open(String fsync) {
        return PluginRegistry.bootLayer().storageEngine("file").open(Settings.of(Map.of("DATA_DIR", dir.toString(),
                "FSYNC", fsync, "MAX_FILE_SIZE", System.getenv().getOrDefault("MAX_FILE_SIZE", "10485760"))));
    }

    StorageEngine engine() {
        return engine;
    }

    /** Closes and reopens the engine (a clean restart), e.g. so reads start from a cold process. */
    void reopen(String fsync) {
        engine.close();
        engine = open(fsync);
    }

    @Override
    public void close() {
        engine.close();
        try (Stream<Path> all = Files.walk(dir)) {
            all.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
