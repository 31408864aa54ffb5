package storelog.discovery.dns;

import java.lang.reflect.Field;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import storelog.api.Settings;
import storelog.api.spi.Discovery;
import storelog.api.spi.DiscoveryContext;
import storelog.api.spi.DiscoveryProvider;
import storelog.api.spi.Member;
import storelog.core.PluginRegistry;

/**
 * Run by {@link PluginFolderTest} in a JVM of its own, the way the server runs: only storelog.api and
 * storelog.core (and their dependencies) in the boot layer, the plugin folder in {@code args[0]}
 * loaded by PluginRegistry. Opens and starts the {@code dns} plugin against the DNS server
 * {@code args[1]}, then prints what it saw, a {@code key=value} line each. Needs
 * {@code --add-opens java.base/java.net=ALL-UNNAMED} to read which resolver the JVM chose.
 */
public final class PluginFolderProbe {

    private PluginFolderProbe() {
    }

    public static void main(String[] args) throws Exception {
        print("resolver.before", resolver());
        PluginRegistry registry = PluginRegistry.withPluginsDir(Path.of(args[0]));
        print("failures", registry.failures());
        print("plugins", registry.plugins().stream().map(p -> p.name() + "/" + p.spi() + "/" + p.source()).toList());
        DiscoveryProvider dns = registry.providers(DiscoveryProvider.class).stream()
                .filter(p -> p.name().equals("dns")).findFirst().orElseThrow();
        Discovery discovery = registry.withLoaderOf(dns, () -> dns.open(Settings.of(Map.of(
                "SERVICE_NAME", "storelog.test", "DNS_SERVER", args[1], "DNS_INTERVAL_MS", "100", "DNS_TIMEOUT_MS", "2000"))));
        // not null: PluginRegistry.withLoaderOf runs a call that returns null a second time
        registry.withLoaderOf(dns, () -> {
            discovery.start(new DiscoveryContext(new Member("probe", "127.0.0.1:1", Map.of()), List::of), members -> { });
            return Boolean.TRUE;
        });
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (discovery.seeds().isEmpty() && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        print("seeds", discovery.seeds());
        print("resolver.after", resolver());
        print("localhost", InetAddress.getByName("localhost").getHostAddress());
        discovery.close();
        print("threads.after.close", Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive)
                .map(Thread::getName).filter(n -> n.startsWith("storelog-dns") || n.startsWith("dnsjava")).toList());
    }

    /** The class of the resolver the JVM chose for every name lookup, or null while it has not chosen. */
    private static String resolver() throws ReflectiveOperationException {
        Field field = InetAddress.class.getDeclaredField("resolver");
        field.setAccessible(true);
        Object resolver = field.get(null);
        return resolver == null ? null : resolver.getClass().getName();
    }

    private static void print(String key, Object value) {
        System.out.println(key + "=" + value);
    }
}
