package storelog.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import storelog.api.spi.LeaderElectorProvider;
import storelog.api.spi.PluginProvider;
import storelog.testkit.PluginJars;
import storelog.testkit.TestData;

/**
 * Apache Ratis (STACK.md "Traps") is not module-path clean: ratis-server and ratis-server-api split
 * packages, and ratis-metrics-default has no valid automatic module name. As a module layer its jars
 * fail; as a class-path-style plugin folder they load, and Ratis finds its metrics implementation
 * through META-INF/services. The Raft elector will be such a plugin.
 */
class RatisPluginTest {

    private static final String PROBE = """
            package raftprobe;
            public final class Provider implements storelog.api.spi.LeaderElectorProvider {
                private final String found;
                public Provider() {
                    org.apache.ratis.conf.RaftProperties properties = new org.apache.ratis.conf.RaftProperties();
                    org.apache.ratis.grpc.GrpcConfigKeys.Server.setPort(properties, 0);
                    found = org.apache.ratis.server.RaftServer.class.getName() + " "
                            + org.apache.ratis.metrics.MetricRegistries.global().getClass().getName();
                }
                public String name() { return "raft-probe"; }
                public storelog.api.spi.LeaderElector open(storelog.api.spi.ElectionContext context) {
                    throw new UnsupportedOperationException(found);
                }
            }
            """;

    private Path plugins;
    private List<Path> ratisJars;

    @BeforeEach
    void setUp(TestInfo test) throws Exception {
        Path dir = TestData.directory(test);
        plugins = Files.createDirectories(dir.resolve("plugins"));
        ratisJars = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(p -> p.contains("/org/apache/ratis/") || p.contains("/slf4j-api")).map(Path::of).toList();
        assertThat(ratisJars).hasSizeGreaterThanOrEqualTo(10);
    }

    private Path raftFolder(boolean classPathStyle) throws Exception {
        Path folder = Files.createDirectories(plugins.resolve("elector-raft"));
        for (Path jar : ratisJars) {
            Files.copy(jar, folder.resolve(jar.getFileName()));
        }
        if (classPathStyle) {
            Files.writeString(folder.resolve(PluginSource.CLASS_PATH_MARKER), "Ratis splits packages across jars\n");
        }
        PluginJars.jar(folder.resolve("raft-probe.jar"), List.of(PluginJars.location(PluginProvider.class)), ratisJars,
                Map.of("raftprobe/Provider.java", PROBE),
                Map.of("META-INF/services/storelog.api.spi.LeaderElectorProvider", "raftprobe.Provider\n"), null);
        return folder;
    }

    @Test
    void ratisLoadsAsAClassPathStylePluginFolder() throws Exception {
        raftFolder(true);

        PluginRegistry registry = PluginRegistry.withPluginsDir(plugins);

        assertThat(registry.failures()).isEmpty();
        assertThat(registry.plugins()).anySatisfy(p -> {
            assertThat(p.name()).isEqualTo("raft-probe");
            assertThat(p.spi()).isEqualTo("elector");
            assertThat(p.source()).isEqualTo("plugins/elector-raft (class path)");
        });
        LeaderElectorProvider raft = registry.providers(LeaderElectorProvider.class).getFirst();
        assertThat(org.junit.jupiter.api.Assertions.assertThrows(UnsupportedOperationException.class, () -> raft.open(null)))
                .hasMessage("org.apache.ratis.server.RaftServer org.apache.ratis.metrics.impl.MetricRegistriesImpl");
    }

    @Test
    void asAModuleLayerRatisFailsAndIsReportedWhileTheServerStillStarts() throws Exception {
        raftFolder(false);

        PluginRegistry registry = PluginRegistry.withPluginsDir(plugins);

        assertThat(registry.failures()).singleElement().satisfies(f -> {
            assertThat(f.plugin()).isEqualTo("elector-raft");
            assertThat(f.reason()).startsWith("cannot be loaded: ");
        });
        assertThat(registry.plugins()).extracting(PluginInfo::name).contains("file");
    }
}
