package storelog.discovery.dns;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.lang.module.ModuleFinder;
import java.lang.module.ModuleReference;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import storelog.testkit.TestData;
import storelog.testkit.TestDnsServer;

/**
 * The built plugin folder ({@code target/plugin/discovery-dns/}, made at {@code package}; this test
 * runs at {@code integration-test}) loads through PluginRegistry the way the server loads it: in a
 * JVM of its own ({@link PluginFolderProbe}) whose boot layer holds only StoreLog's API and core, as
 * the image's does. That JVM runs with {@code -Dorg.dnsjava.spi.enable=true}, under which dnsjava's
 * InetAddressResolverProvider would really take over the JVM's name lookups if the JVM found it, and
 * the plugin's first lookup (the {@code DNS_SERVER} host name) runs on the plugin's thread with the
 * plugin's class loader as context loader, where the JVM would find it.
 */
class PluginFolderTest {

    private static final Set<String> HOST_MODULES = Set.of("storelog.core");

    @Test
    void theBuiltFolderLoadsThroughThePluginRegistryResolvesAndLeavesTheJvmsResolverAlone(TestInfo test) throws Exception {
        Path built = Path.of(java.util.Objects.requireNonNull(System.getProperty("storelog.pluginFolder"),
                "storelog.pluginFolder is unset: this test runs in the integration-test phase of mvn verify, after package"));
        Path plugins = TestData.directory(test).resolve("plugins");
        Path folder = Files.createDirectories(plugins.resolve("discovery-dns"));
        List<String> jars;
        try (Stream<Path> files = Files.list(built)) {
            jars = files.map(f -> f.getFileName().toString()).sorted().toList();
        }
        for (String jar : jars) {
            Files.copy(built.resolve(jar), folder.resolve(jar));
        }
        assertThat(jars).as("the plugin, dnsjava and slf4j-api; not the SPI, which the image provides").hasSize(3)
                .anyMatch(j -> j.startsWith("storelog-discovery-dns-")).contains("dnsjava-3.6.5.jar", "slf4j-api-2.0.17.jar");

        Map<String, String> seen;
        try (TestDnsServer dns = TestDnsServer.start()) {
            dns.set("storelog.test", "SRV 0 0 7946 node1.storelog.test", "A 127.0.0.2");
            dns.set("node1.storelog.test", "A 127.0.0.1");
            seen = probe(plugins, "localhost:" + dns.port());
        }

        assertThat(seen.get("resolver.before")).as("the JVM had not chosen its resolver before the plugin loaded").isEqualTo("null");
        assertThat(seen.get("failures")).isEqualTo("[]");
        assertThat(seen.get("plugins")).contains("dns/discovery/plugins/discovery-dns (storelog.discovery.dns)");
        assertThat(seen.get("seeds")).isEqualTo("[127.0.0.1:7946, 127.0.0.2:7946]");
        assertThat(seen.get("resolver.after")).as("the JDK's own resolver, not dnsjava's")
                .startsWith("java.net.InetAddress$").doesNotContain("xbill");
        assertThat(seen.get("localhost")).isEqualTo(InetAddress.getLoopbackAddress().getHostAddress());
        assertThat(seen.get("threads.after.close")).isEqualTo("[]");
    }

    /** Runs the probe in a new JVM and returns its key=value lines. */
    private static Map<String, String> probe(Path plugins, String dnsServer) throws IOException, InterruptedException {
        List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dorg.dnsjava.spi.enable=true", "--add-opens", "java.base/java.net=ALL-UNNAMED",
                "--module-path", hostModulePath(), "--add-modules", String.join(",", HOST_MODULES),
                "-cp", testClasses().toString(), PluginFolderProbe.class.getName(), plugins.toString(), dnsServer);
        Path out = plugins.resolveSibling("probe.out");
        Path err = plugins.resolveSibling("probe.err");
        Process process = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
        String stdout = Files.readString(out, StandardCharsets.UTF_8);
        assertThat(process.exitValue()).as("probe exit; stdout:%n%s%nstderr:%n%s", stdout, Files.readString(err)).isZero();
        Map<String, String> seen = new HashMap<>();
        stdout.lines().filter(l -> l.contains("=")).forEach(l -> seen.put(l.substring(0, l.indexOf('=')), l.substring(l.indexOf('=') + 1)));
        return seen;
    }

    /**
     * The modules of the test JVM's module and class path that storelog.core needs, and nothing else
     * (no dnsjava, no plugin): the boot layer of a server image without plugins linked in.
     */
    private static String hostModulePath() {
        Map<String, Path> byModule = new HashMap<>();
        String paths = System.getProperty("jdk.module.path", "") + File.pathSeparator + System.getProperty("java.class.path", "");
        for (String entry : paths.split(File.pathSeparator)) {
            if (entry.isBlank() || !Files.exists(Path.of(entry))) {
                continue;
            }
            Path path = Path.of(entry);
            try {
                ModuleFinder.of(path).findAll().forEach(m -> byModule.putIfAbsent(m.descriptor().name(), path));
            } catch (java.lang.module.FindException e) {
                // not a module (e.g. surefire's own jars): not needed
            }
        }
        Set<String> needed = new HashSet<>();
        Deque<String> todo = new ArrayDeque<>(HOST_MODULES);
        while (!todo.isEmpty()) {
            String name = todo.pop();
            Optional<ModuleReference> module = Optional.ofNullable(byModule.get(name)).flatMap(p -> ModuleFinder.of(p).find(name));
            if (module.isPresent() && needed.add(name)) {
                module.get().descriptor().requires().forEach(r -> todo.push(r.name()));
            }
        }
        assertThat(needed).contains("storelog.core", "storelog.api").doesNotContain("org.dnsjava", "storelog.discovery.dns");
        List<String> modulePath = new ArrayList<>();
        needed.forEach(n -> modulePath.add(byModule.get(n).toString()));
        return String.join(File.pathSeparator, modulePath);
    }

    private static Path testClasses() {
        try {
            return Path.of(PluginFolderProbe.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
