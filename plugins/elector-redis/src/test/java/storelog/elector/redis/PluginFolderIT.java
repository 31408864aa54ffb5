package storelog.elector.redis;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import redis.clients.jedis.Jedis;
import storelog.testkit.PluginJars;
import storelog.testkit.RedisServer;
import storelog.testkit.TestData;

/**
 * The built plugin folder {@code target/plugin/elector-redis/} loads the way the server loads it:
 * {@code PluginRegistry.withPluginsDir} in a JVM whose boot layer holds only StoreLog's modules (a
 * child JVM: in this one the plugin's classes are already on the test path), as a module layer of its
 * own; the provider it finds elects on a real Redis and releases the lease on close. Runs after
 * {@code package} (failsafe).
 *
 * <p>The child JVM sees only the JDK modules the plugin needs ({@code --limit-modules}; a full JDK
 * would resolve many more through service binding and hide a missing one), which the image must link
 * and resolve in its boot layer: {@code java.compiler} (error_prone_annotations, a dependency of Gson,
 * requires it), {@code java.management} (commons-pool2 requires it) and {@code java.logging}
 * (slf4j-jdk14; always resolved, java.base binds it).
 */
class PluginFolderIT {

    private static final String MAIN = """
            package probe;

            import java.nio.file.Path;
            import java.util.List;
            import java.util.Map;
            import java.util.concurrent.CountDownLatch;
            import java.util.concurrent.TimeUnit;
            import storelog.api.Settings;
            import storelog.api.spi.*;
            import storelog.core.PluginRegistry;

            public final class Main {
                public static void main(String[] args) throws Exception {
                    PluginRegistry registry = PluginRegistry.withPluginsDir(Path.of(args[0]));
                    registry.plugins().forEach(p -> System.out.println("plugin " + p.name() + " " + p.spi() + " " + p.source()));
                    registry.failures().forEach(f -> System.out.println("failure " + f.plugin() + ": " + f.reason()));
                    LeaderElectorProvider provider = registry.providers(LeaderElectorProvider.class).stream()
                            .filter(p -> p.name().equals("redis")).findFirst().orElseThrow();
                    ElectionContext context = new ElectionContext("probe", Settings.of(Map.of("REDIS_ADDR", args[1],
                            "LEADER_TTL", "1000", "SERVICE_NAME", "plugin-folder")), new Member("probe", "127.0.0.1:8080", Map.of()),
                            List::of, List::of, () -> 10, 0, 2, Path.of(args[2]), () -> false);
                    CountDownLatch led = new CountDownLatch(1);
                    try (LeaderElector elector = registry.withLoaderOf(provider, () -> provider.open(context))) {
                        elector.start(e -> {
                            if (e.leadership().role() == Leadership.Role.LEADER) {
                                led.countDown();
                            }
                        });
                        elector.activate();
                        if (!led.await(10, TimeUnit.SECONDS)) {
                            System.out.println("never led");
                            System.exit(3);
                        }
                        System.out.println("leader with epoch " + elector.leadership().epoch());
                    }
                    System.out.println("closed");
                }
            }
            """;

    @Test
    void theBuiltFolderLoadsAsAModuleLayerAndElects(TestInfo test) throws Exception {
        Path dir = TestData.directory(test);
        Path folder = Path.of(System.getProperty("storelog.pluginFolder"));
        assertThat(folder.resolve("jedis-8.0.2.jar")).as("built by mvn package").exists();
        assertThat(Files.list(folder).map(p -> p.getFileName().toString()).toList())
                .as("the image provides the SPI").noneMatch(name -> name.startsWith("storelog-api"));
        List<Path> storelog = List.of(PluginJars.location(storelog.api.Settings.class),
                PluginJars.location(storelog.core.PluginRegistry.class),
                PluginJars.location(com.fasterxml.jackson.core.JsonFactory.class));
        Path probe = PluginJars.jar(dir.resolve("probe.jar"), storelog,
                Map.of("module-info.java", "module probe { requires storelog.core; }", "probe/Main.java", MAIN), Map.of(), null);

        try (RedisServer redis = RedisServer.start(dir); Jedis jedis = new Jedis("127.0.0.1", redis.port())) {
            Path output = dir.resolve("probe.out");
            Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "--module-path", String.join(java.io.File.pathSeparator,
                            List.of(storelog.get(0).toString(), storelog.get(1).toString(), storelog.get(2).toString(), probe.toString())),
                    "--limit-modules", "java.logging,java.management,java.compiler,probe",
                    "--add-modules", "java.compiler,java.management",
                    "-m", "probe/probe.Main", folder.getParent().toString(), redis.address(), dir.toString())
                    .redirectErrorStream(true).redirectOutput(output.toFile()).start();
            boolean exited = child.waitFor(30, TimeUnit.SECONDS);
            if (!exited) {
                child.destroyForcibly();
            }
            String out = Files.readString(output);

            assertThat(exited).as(out).isTrue();
            assertThat(child.exitValue()).as(out).isZero();
            assertThat(out).contains("plugin redis elector plugins/elector-redis (storelog.elector.redis)")
                    .doesNotContain("failure").contains("leader with epoch 12").contains("closed")
                    .doesNotContain("SLF4J"); // a backend found: no "no providers" warning
            assertThat(jedis.exists("storelog:plugin-folder:leader")).as("released on close").isFalse();
            assertThat(jedis.get("storelog:plugin-folder:epoch")).isEqualTo("12");
        }
    }
}
