package storelog.server;

import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Function;
import picocli.CommandLine.Command;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;
import storelog.api.spi.ConnectorProvider;
import storelog.api.spi.DiscoveryProvider;
import storelog.api.spi.LeaderElectorProvider;
import storelog.api.spi.StorageEngineProvider;
import storelog.core.PluginRegistry;

/** {@code storelog plugins}: every plugin found, with its SPI, version and where it came from. */
@Command(name = "plugins", mixinStandardHelpOptions = true, description = "List every plugin found (name, SPI, version, source).")
final class PluginsCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PluginRegistry registry = PluginRegistry.bootLayer();
        out.printf("%-12s %-18s %-16s %s%n", "NAME", "SPI", "VERSION", "SOURCE");
        list(out, registry.providers(StorageEngineProvider.class), "storage", StorageEngineProvider::name);
        list(out, registry.providers(ConnectorProvider.class), "connector", ConnectorProvider::name);
        list(out, registry.providers(LeaderElectorProvider.class), "elector", LeaderElectorProvider::name);
        list(out, registry.providers(DiscoveryProvider.class), "discovery", DiscoveryProvider::name);
        out.flush();
        return 0;
    }

    private static <P> void list(PrintWriter out, List<P> providers, String spi, Function<P, String> name) {
        for (P p : providers) {
            Module module = p.getClass().getModule();
            String version = module.getDescriptor() == null ? "-" : module.getDescriptor().rawVersion().orElse("-");
            String source = module.isNamed() && module.getLayer() == ModuleLayer.boot() ? "image (" + module.getName() + ")"
                    : "class path";
            out.printf("%-12s %-18s %-16s %s%n", name.apply(p), spi, version, source);
        }
    }
}
