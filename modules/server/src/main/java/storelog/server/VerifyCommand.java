package storelog.server;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;
import storelog.api.Settings;
import storelog.api.spi.VerificationReport;
import storelog.core.PluginRegistry;

/**
 * {@code storelog verify <data-dir> [--repair]}: checks every partition; exit 0 when clean, 1 when
 * damage is found (or left after a repair), saying what and where.
 */
@Command(name = "verify", mixinStandardHelpOptions = true,
        description = "Check every partition (store/index agreement, CRCs, offset continuity); --repair fixes what can be fixed without losing acknowledged records.")
final class VerifyCommand implements Callable<Integer> {

    @Parameters(paramLabel = "DATA_DIR", description = "the data directory (no server may have it open)")
    Path dataDir;

    @Option(names = "--repair", description = "rebuild indexes, truncate torn tails, remove leftovers")
    boolean repair;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        if (!Files.isDirectory(dataDir)) {
            throw new UsageException("verify: " + dataDir + (Files.exists(dataDir) ? ": not a directory" : ": no such directory"));
        }
        Settings config = ConfigSettings.load();
        Settings settings = name -> name.equals("DATA_DIR") ? java.util.Optional.of(dataDir.toString()) : config.get(name);
        VerificationReport report = NodeSettings.plugins(config).storageEngine(config.string(PluginRegistry.STORAGE, "file"))
                .verify(settings, repair);
        out.printf("checked %d partitions, %d records in %s%n", report.partitions(), report.records(), dataDir);
        report.repairs().forEach(r -> out.println("repaired: " + r));
        report.problems().forEach(p -> out.println("DAMAGE: " + p));
        out.println(report.isClean() ? "clean" : report.problems().size() + " problem(s) found"
                + (repair ? " that cannot be repaired without losing records" : "; run with --repair to fix the repairable ones"));
        out.flush();
        return report.isClean() ? 0 : 1;
    }
}
