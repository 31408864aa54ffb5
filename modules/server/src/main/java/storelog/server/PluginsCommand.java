package storelog.server;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;
import storelog.core.PluginFailure;
import storelog.core.PluginInfo;
import storelog.core.PluginRegistry;

/**
 * {@code storelog plugins}: every plugin found (name, SPI, version, from the image or from
 * {@code PLUGINS_DIR}) and every plugin that failed to load, with the reason. Exit 0 either way:
 * the server starts without the failed ones.
 */
@Command(name = "plugins", mixinStandardHelpOptions = true,
        description = "List every plugin found (name, SPI, version, source) and every plugin that failed to load.")
final class PluginsCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PluginRegistry registry = NodeSettings.plugins(ConfigSettings.load());
        out.printf("%-12s %-10s %-16s %s%n", "NAME", "SPI", "VERSION", "SOURCE");
        for (PluginInfo p : registry.plugins()) {
            out.printf("%-12s %-10s %-16s %s%n", p.name(), p.spi(), p.version(), p.source());
        }
        for (PluginFailure f : registry.failures()) {
            out.println("FAILED " + f);
        }
        out.flush();
        return 0;
    }
}
