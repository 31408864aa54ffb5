package storelog.elector.raft;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import storelog.testkit.TestData;

/**
 * The built plugin folder ({@code target/plugin/elector-raft/}, after {@code package}) loads the way
 * the server loads it — class-path style, because of its {@code class-path-plugin} marker — in a JVM
 * that has neither Ratis nor this plugin on its class path, runs a one-node group to LEADER, and
 * leaves no thread behind after close; Ratis' logging reaches System.Logger (no SLF4J fallback
 * warning), and with the JVM options the image passes (STACK.md) no JDK warning is printed.
 */
class PluginFolderIT {

    @Test
    void theBuiltPluginFolderLoadsClassPathStyleAndElects(TestInfo test) throws Exception {
        Path folder = Path.of(System.getProperty("storelog.pluginFolder"));
        assertThat(folder.resolve("class-path-plugin")).exists();
        Path dir = TestData.directory(test);
        Path plugins = Files.createDirectories(dir.resolve("plugins"));
        Path copy = Files.createDirectories(plugins.resolve("elector-raft"));
        try (var files = Files.list(folder)) {
            for (Path file : files.toList()) {
                Files.copy(file, copy.resolve(file.getFileName()));
            }
        }
        String classPath = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(p -> !p.contains("/org/apache/ratis/") && !p.contains("/org/slf4j/") && !p.endsWith("/target/classes")
                        && !p.contains("storelog-elector-raft-"))
                .collect(Collectors.joining(File.pathSeparator));
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        command.addAll(Arrays.asList(System.getProperty("storelog.ratisJvmFlags").split(" ")));
        command.addAll(List.of("-cp", classPath, PluginFolderMain.class.getName(), plugins.toString(), Integer.toString(Cluster.freePort()),
                Files.createDirectories(dir.resolve("state")).toString()));
        Path out = dir.resolve("stdout.txt");
        Path err = dir.resolve("stderr.txt");
        Process child = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();

        String stdout = Files.readString(out, StandardCharsets.UTF_8);
        String stderr = Files.readString(err, StandardCharsets.UTF_8);
        assertThat(child.exitValue()).as("stdout:%n%s%nstderr:%n%s", stdout, stderr).isZero();
        assertThat(stdout).contains("failures []", "plugin elector plugins/elector-raft (class path)", "loader plugin",
                "leader solo", "threads-left []");
        assertThat(stderr).doesNotContain("SLF4J", "sun.misc.Unsafe", "restricted method");
    }
}
