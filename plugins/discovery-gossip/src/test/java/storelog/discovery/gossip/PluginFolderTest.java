package storelog.discovery.gossip;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.StringWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.spi.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import storelog.api.spi.Member;
import storelog.testkit.ChildJvm;
import storelog.testkit.TestData;

/**
 * The plugin as the server loads it: a folder {@code plugins/discovery-gossip/} holding this plugin's
 * jar and JGroups' (what {@code mvn package} builds in {@code target/plugin/}), loaded by
 * {@code PluginRegistry} as a child module layer, in a JVM whose boot layer has nothing but
 * storelog-api, storelog-core (with Jackson) and java.base: JGroups needs no other JDK module there.
 */
class PluginFolderTest {

    @Test
    void theFolderLoadsAsAModuleLayerAndItsNodesFormAViewAndLeaveNoThread(TestInfo test) throws Exception {
        Path dir = TestData.directory(test);
        Path folder = Files.createDirectories(dir.resolve("plugins").resolve("discovery-gossip"));
        jar(folder.resolve("storelog-discovery-gossip.jar"), location(GossipDiscovery.class));
        Path jgroups = Path.of(location(org.jgroups.JChannel.class));
        Files.copy(jgroups, folder.resolve(jgroups.getFileName()));
        int[] ports = {Ports.free(), Ports.free()};
        String modulePath = String.join(File.pathSeparator, location(Member.class), location("storelog.core.PluginRegistry"),
                location("com.fasterxml.jackson.core.JsonFactory"));

        Process probe = new ProcessBuilder(ChildJvm.java(), "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
                "--module-path", modulePath, "--add-modules", "storelog.core", "--limit-modules", "storelog.core",
                "-cp", location(LayerProbe.class), LayerProbe.class.getName(),
                dir.resolve("plugins").toString(), "layer-" + System.nanoTime(), Integer.toString(ports[0]), Integer.toString(ports[1]))
                .redirectError(dir.resolve("probe.log").toFile()).start();
        boolean exited = probe.waitFor(40, TimeUnit.SECONDS);
        if (!exited) {
            probe.destroyForcibly();
        }
        List<String> out = new String(probe.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines().toList();

        assertThat(exited).as("the probe JVM exits by itself (no non-daemon thread left); printed %s", out).isTrue();
        assertThat(probe.exitValue()).as("exit code; printed %s, log in %s", out, dir.resolve("probe.log")).isZero();
        assertThat(out).contains("FAILURES []", "PLUGIN gossip discovery plugins/discovery-gossip (storelog.discovery.gossip)",
                "THREADS []");
        assertThat(out).anySatisfy(line -> assertThat(line).startsWith("MEMBERS [Member[nodeId=n0").contains("nodeId=n1"));
        assertThat(out).anySatisfy(line -> assertThat(line).startsWith("MODULES ").doesNotContain("java.logging")
                .doesNotContain("java.management").doesNotContain("java.naming"));
    }

    private static void jar(Path jar, String classes) {
        ToolProvider tool = ToolProvider.findFirst("jar").orElseThrow();
        StringWriter errors = new StringWriter();
        int code = tool.run(new PrintWriter(new StringWriter()), new PrintWriter(errors), "--create", "--file", jar.toString(),
                "-C", classes, ".");
        assertThat(code).as("jar: %s", errors).isZero();
    }

    private static String location(String className) throws Exception {
        return location(Class.forName(className, false, ClassLoader.getSystemClassLoader()));
    }

    private static String location(Class<?> type) {
        return ChildJvm.classPath(type);
    }
}
