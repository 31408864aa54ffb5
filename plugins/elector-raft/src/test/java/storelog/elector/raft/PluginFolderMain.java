package storelog.elector.raft;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import storelog.api.Settings;
import storelog.api.spi.ElectionContext;
import storelog.api.spi.LeaderElector;
import storelog.api.spi.LeaderElectorProvider;
import storelog.api.spi.Leadership;
import storelog.api.spi.Member;
import storelog.core.PluginRegistry;

/**
 * Run by {@link PluginFolderIT} in a JVM whose class path has StoreLog's API and core but neither
 * Ratis nor this plugin: loads the built plugin folder through {@link PluginRegistry}, runs a
 * one-node raft elector from it until it leads, closes it, and prints what it found, one fact a line.
 * Arguments: the plugins folder, a free port, a state directory.
 */
public final class PluginFolderMain {

    private PluginFolderMain() {
    }

    public static void main(String[] args) throws Exception {
        PluginRegistry registry = PluginRegistry.withPluginsDir(Path.of(args[0]));
        System.out.println("failures " + registry.failures());
        registry.plugins().stream().filter(p -> p.name().equals("raft")).forEach(p -> System.out.println("plugin " + p.spi() + " " + p.source()));
        LeaderElectorProvider provider = registry.providers(LeaderElectorProvider.class).stream()
                .filter(p -> p.name().equals("raft")).findFirst().orElseThrow();
        System.out.println("loader " + (provider.getClass().getClassLoader() == PluginFolderMain.class.getClassLoader() ? "application" : "plugin"));
        Set<Thread> before = Set.copyOf(Thread.getAllStackTraces().keySet());
        Member self = new Member("solo", "127.0.0.1:8080", Map.of(Member.RAFT, "127.0.0.1:" + args[1]));
        ElectionContext context = new ElectionContext("solo", Settings.of(Map.of()), self, () -> List.of(self), List::of,
                () -> 0, 0, 1, Path.of(args[2]), () -> false);
        AtomicReference<Leadership> last = new AtomicReference<>();
        long start = System.nanoTime();
        try (LeaderElector elector = provider.open(context)) {
            elector.start(e -> {
                last.set(e.leadership());
                e.activate();
            });
            while (last.get() == null || last.get().role() != Leadership.Role.LEADER) {
                if (System.nanoTime() - start > 20_000_000_000L) {
                    throw new AssertionError("no leader in 20 s: " + last.get());
                }
                Thread.sleep(10);
            }
            System.out.println("leader " + last.get().leaderId().orElseThrow() + " " + (System.nanoTime() - start) / 1_000_000 + " ms");
        }
        long closed = System.nanoTime();
        List<String> left = List.of();
        while (System.nanoTime() - closed < 10_000_000_000L) {
            left = Thread.getAllStackTraces().keySet().stream().filter(t -> t.isAlive() && !t.isDaemon() && !before.contains(t))
                    .map(Thread::getName).toList();
            if (left.isEmpty()) {
                break;
            }
            Thread.sleep(20);
        }
        System.out.println("threads-left " + left);
        System.out.flush();
    }
}
