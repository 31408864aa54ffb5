package storelog.server;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import storelog.api.InvalidSettingException;
import storelog.api.StoreLogException;

/**
 * {@code storelog [serve|dump|verify|plugins|import-gostorelog]}. Exit codes: 0 done,
 * 1 failed (or damage found by {@code verify}), 2 bad configuration or usage — one line naming what
 * is wrong.
 */
@Command(name = "storelog", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "A persistent, partitioned, append-only record log server.",
        subcommands = {ServeCommand.class, DumpCommand.class, VerifyCommand.class, PluginsCommand.class, ImportCommand.class},
        footer = {"", "Configuration: environment variables (DATA_DIR, HTTP_PORT, FSYNC, ...), -DNAME=value, or conf/storelog.yaml."})
public final class Main implements Callable<Integer> {

    /** Exit code of a bad setting or usage. */
    static final int BAD_CONFIGURATION = 2;

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs a command line and returns its exit code. */
    public static int run(String... args) {
        return run(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args);
    }

    /** Runs a command line with the given output streams (tests) and returns its exit code. */
    static int run(PrintWriter out, PrintWriter err, String... args) {
        LogFormat.install();
        CommandLine cli = new CommandLine(new Main());
        cli.setOut(out);
        cli.setErr(err);
        cli.setExecutionExceptionHandler(Main::failure);
        return cli.execute(args);
    }

    /** With no subcommand: {@code serve}. */
    @Override
    public Integer call() throws Exception {
        return new ServeCommand().call();
    }

    private static int failure(Exception e, CommandLine cli, CommandLine.ParseResult parsed) {
        PrintWriter err = cli.getErr();
        if (e instanceof InvalidSettingException || e instanceof UsageException) {
            err.println("storelog: " + e.getMessage());
            return BAD_CONFIGURATION;
        }
        if (e instanceof StoreLogException || e instanceof java.io.IOException || e instanceof IllegalArgumentException) {
            err.println("storelog: " + e.getMessage());
            return 1;
        }
        e.printStackTrace(err);
        return 1;
    }

    /** The version from the module descriptor. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"storelog " + Main.class.getModule().getDescriptor().rawVersion().orElse("(development)")};
        }
    }
}
