package storelog.server;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;
import storelog.core.PluginRegistry;

/** {@code storelog dump <segment.store|segment.index|leader-epochs>}: one line per record or entry, with its checks. */
@Command(name = "dump", mixinStandardHelpOptions = true,
        description = "Print one segment file, one line per record: offset, position, type, size, crc status, payload"
                + " (or a leader-epochs file, one line per epoch).")
final class DumpCommand implements Callable<Integer> {

    @Parameters(paramLabel = "FILE", description = "a segment_<base>.store, segment_<base>.index or leader-epochs file")
    Path file;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (!Files.isRegularFile(file)) {
            throw new UsageException("dump: " + file + (Files.exists(file) ? ": not a file" : ": no such file"));
        }
        var settings = ConfigSettings.load();
        PrintWriter out = spec.commandLine().getOut();
        NodeSettings.plugins(settings).storageEngine(settings.string(PluginRegistry.STORAGE, "file")).dump(file, out);
        out.flush();
        return 0;
    }
}
