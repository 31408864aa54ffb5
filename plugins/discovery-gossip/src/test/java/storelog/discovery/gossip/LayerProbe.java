package storelog.discovery.gossip;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import storelog.api.Settings;
import storelog.api.spi.Discovery;
import storelog.api.spi.DiscoveryContext;
import storelog.api.spi.DiscoveryProvider;
import storelog.api.spi.Member;
import storelog.core.PluginRegistry;

/**
 * The server's way of loading the plugin, in a JVM of its own ({@link PluginFolderTest}): only
 * storelog-api and storelog-core as modules, the plugin folder as a child layer. Uses nothing of the
 * plugin but the SPI. Arguments: plugins folder, cluster, two ports. Prints what it finds, starts two
 * nodes, prints their members, closes them and prints the threads left.
 */
public final class LayerProbe {

    private LayerProbe() {
    }

    public static void main(String[] args) throws Exception {
        PluginRegistry registry = PluginRegistry.withPluginsDir(Path.of(args[0]));
        System.out.println("FAILURES " + registry.failures());
        registry.plugins().forEach(plugin -> System.out.println("PLUGIN " + plugin.name() + " " + plugin.spi() + " " + plugin.source()));
        DiscoveryProvider gossip = registry.providers(DiscoveryProvider.class).stream()
                .filter(provider -> provider.name().equals("gossip")).findFirst().orElseThrow();
        List<String> seeds = List.of("127.0.0.1:" + args[2], "127.0.0.1:" + args[3]);
        List<Discovery> nodes = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            String port = args[2 + i];
            Discovery node = registry.withLoaderOf(gossip, () -> gossip.open(Settings.of(Map.of(
                    "BIND_ADDR", "127.0.0.1:" + port, "ADVERTISE_ADDR", "127.0.0.1:" + port, "SERVICE_NAME", args[1],
                    "CLUSTER_SECRET", "layer-secret", "GOSSIP_FAILURE_TIMEOUT_MS", "1000"))));
            Member self = new Member("n" + i, "127.0.0.1:" + port, Map.of(Member.RAFT, "127.0.0.1:1" + i));
            registry.withLoaderOf(gossip, () -> {
                node.start(new DiscoveryContext(self, () -> seeds), members -> { });
                return node;
            });
            nodes.add(node);
        }
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (nodes.stream().anyMatch(node -> node.members().size() < 2) && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        System.out.println("MEMBERS " + nodes.getFirst().members());
        nodes.forEach(Discovery::close);
        // a pool thread of JGroups may still be finishing its last task: wait for the threads to end, up to 10 s
        long threadsDeadline = System.nanoTime() + 10_000_000_000L;
        List<String> left = liveThreads();
        while (!left.isEmpty() && System.nanoTime() < threadsDeadline) {
            Thread.sleep(10);
            left = liveThreads();
        }
        System.out.println("THREADS " + left);
        System.out.println("MODULES " + ModuleLayer.boot().modules().stream().map(Module::getName).sorted().toList());
    }

    /** The non-daemon threads other than this one, by name. */
    private static List<String> liveThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(thread -> !thread.isDaemon() && thread != Thread.currentThread() && !thread.getName().equals("DestroyJavaVM"))
                .map(Thread::getName).sorted().toList();
    }
}
