package storelog.server;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;
import storelog.api.Settings;
import storelog.api.spi.StorageEngine;
import storelog.core.PluginRegistry;
import storelog.gostorelog.GoStoreLogImport;
import storelog.gostorelog.ImportProgress;
import storelog.gostorelog.ImportReport;

/**
 * {@code storelog import-gostorelog <gostorelog-data-dir> <data-dir>}: converts a GoStoreLog data
 * directory, keeping partitions, offsets, data types and payloads; prints progress at most once a
 * second and a line per partition. Appends run with {@code FSYNC=never} and everything is fsynced
 * when the engine closes at the end. Exit 0 when every partition was imported, 1 otherwise.
 */
@Command(name = "import-gostorelog", mixinStandardHelpOptions = true,
        description = "Convert a GoStoreLog data directory into StoreLog's, keeping partitions, offsets, data types and payloads.")
final class ImportCommand implements Callable<Integer> {

    private static final long PROGRESS_EVERY_NANOS = 1_000_000_000L;

    @Parameters(index = "0", paramLabel = "GOSTORELOG_DIR", description = "the GoStoreLog data directory to read")
    Path source;

    @Parameters(index = "1", paramLabel = "DATA_DIR", description = "the StoreLog data directory to write (no server may have it open)")
    Path dataDir;

    @Spec
    CommandSpec spec;

    private long lastProgress;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        Settings config = ConfigSettings.load();
        Settings settings = name -> switch (name) {
            case "DATA_DIR" -> Optional.of(dataDir.toString());
            case "FSYNC" -> Optional.of("never");
            default -> config.get(name);
        };
        ImportReport report;
        try (StorageEngine engine = NodeSettings.plugins(config).storageEngine(config.string(PluginRegistry.STORAGE, "file"))
                .open(settings)) {
            report = new GoStoreLogImport().importInto(source, engine, progress -> show(out, progress));
        }
        out.println(report);
        out.flush();
        return report.isComplete() ? 0 : 1;
    }

    private void show(PrintWriter out, ImportProgress progress) {
        long now = System.nanoTime();
        if (progress.partitionDone() || now - lastProgress >= PROGRESS_EVERY_NANOS) {
            lastProgress = now;
            out.println(progress);
            out.flush();
        }
    }
}
