package storelog.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import storelog.api.spi.ConnectorProvider;
import storelog.api.spi.PluginProvider;
import storelog.testkit.PluginJars;
import storelog.testkit.TestData;

/**
 * Drop-in plugins: each folder or jar of PLUGINS_DIR is its own module layer (or class loader); a
 * broken one is reported with its name and reason and the others still load. The plugin jars are
 * compiled by the test from the sources below.
 */
class PluginLayersTest {

    private Path dir;
    private Path plugins;
    private Path api;

    @BeforeEach
    void setUp(TestInfo test) throws Exception {
        dir = TestData.directory(test);
        plugins = Files.createDirectories(dir.resolve("plugins"));
        api = PluginJars.location(PluginProvider.class);
    }

    private Path library(String version) throws Exception {
        Path out = Files.createDirectories(dir.resolve("lib-" + version));
        return PluginJars.jar(out.resolve("demo-lib-" + version + ".jar"), List.of(), Map.of(
                "module-info.java", "module demo.lib { exports demo.lib; }",
                "demo/lib/Version.java", "package demo.lib; public final class Version { public static String value() { return \"" + version + "\"; } }"),
                Map.of(), version);
    }

    /** A connector plugin module named {@code demo.<id>} whose provider is called {@code <id>-<demo.lib version>}. */
    private Path connectorPlugin(Path folder, String id, Path lib, String constructorBody, List<Path> apiPath) throws Exception {
        Files.createDirectories(folder);
        String module = "module demo." + id + " { requires storelog.api; requires demo.lib;"
                + " provides storelog.api.spi.ConnectorProvider with demo." + id + ".Provider; }";
        String provider = "package demo." + id + "; public final class Provider implements storelog.api.spi.ConnectorProvider {"
                + " public Provider() { " + constructorBody + " }"
                + " public String name() { return \"" + id + "-\" + demo.lib.Version.value(); }"
                + " public storelog.api.spi.Connector open(storelog.api.Settings s) { throw new UnsupportedOperationException(); } }";
        List<Path> modulePath = new java.util.ArrayList<>(apiPath);
        modulePath.add(lib);
        return PluginJars.jar(folder.resolve("demo-" + id + ".jar"), modulePath,
                Map.of("module-info.java", module, "demo/" + id + "/Provider.java", provider), Map.of(), "1.0");
    }

    /** The plugin folder {@code a-connector}: connector {@code a-1} with its library beside it. */
    private void aConnectorFolder() throws Exception {
        Path lib = library("1");
        Path folder = plugins.resolve("a-connector");
        connectorPlugin(folder, "a", lib, "", List.of(api));
        Files.copy(lib, folder.resolve(lib.getFileName()));
    }

    @Test
    void aPluginFolderDroppedInIsFoundAsItsOwnLayer() throws Exception {
        aConnectorFolder();

        PluginRegistry registry = PluginRegistry.withPluginsDir(plugins);

        assertThat(registry.failures()).isEmpty();
        assertThat(registry.plugins()).anySatisfy(p -> {
            assertThat(p.name()).isEqualTo("a-1");
            assertThat(p.spi()).isEqualTo("connector");
            assertThat(p.version()).isEqualTo("1.0");
            assertThat(p.source()).isEqualTo("plugins/a-connector (demo.a)");
        });
        ConnectorProvider provider = registry.connector("a-1");
        assertThat(provider.getClass().getModule().getLayer()).isNotEqualTo(ModuleLayer.boot());
    }

    @Test
    void withLoaderOfRunsTheCallOnceWithThePluginsLoaderAlsoWhenItReturnsNull() throws Exception {
        aConnectorFolder();
        PluginRegistry registry = PluginRegistry.withPluginsDir(plugins);
        ConnectorProvider provider = registry.connector("a-1");
        List<ClassLoader> loaders = new java.util.ArrayList<>();

        Object result = registry.withLoaderOf(provider, () -> {
            loaders.add(Thread.currentThread().getContextClassLoader());
            return null;
        });

        assertThat(result).isNull();
        assertThat(loaders).containsExactly(provider.getClass().getClassLoader());
    }

    @Test
    void twoPluginsCarryingDifferentVersionsOfOneLibraryBothWork() throws Exception {
        Path v1 = library("1");
        Path v2 = library("2");
        Path a = plugins.resolve("a");
        Path b = plugins.resolve("b");
        connectorPlugin(a, "a", v1, "", List.of(api));
        connectorPlugin(b, "b", v2, "", List.of(api));
        Files.copy(v1, a.resolve(v1.getFileName()));
        Files.copy(v2, b.resolve(v2.getFileName()));

        PluginRegistry registry = PluginRegistry.withPluginsDir(plugins);

        assertThat(registry.failures()).isEmpty();
        assertThat(registry.providers(ConnectorProvider.class)).extracting(ConnectorProvider::name).contains("a-1", "b-2");
    }

    @Test
    void aCorruptJarAndAThrowingConstructorAreReportedAndTheOthersStillLoad() throws Exception {
        Path lib = library("1");
        Path good = plugins.resolve("good");
        Path throwing = plugins.resolve("throwing");
        connectorPlugin(good, "good", lib, "", List.of(api));
        connectorPlugin(throwing, "bad", lib, "if (true) throw new IllegalStateException(\"no licence key\");", List.of(api));
        Files.copy(lib, good.resolve(lib.getFileName()));
        Files.copy(lib, throwing.resolve(lib.getFileName()));
        byte[] garbage = new byte[4096];
        new Random(5).nextBytes(garbage);
        Files.write(plugins.resolve("corrupt.jar"), garbage);

        PluginRegistry registry = PluginRegistry.withPluginsDir(plugins);

        assertThat(registry.providers(ConnectorProvider.class)).extracting(ConnectorProvider::name).contains("good-1");
        assertThat(registry.failures()).anySatisfy(f -> {
            assertThat(f.plugin()).isEqualTo("corrupt.jar");
            assertThat(f.reason()).startsWith("cannot be loaded: ");
        }).anySatisfy(f -> {
            assertThat(f.plugin()).isEqualTo("throwing");
            assertThat(f.reason()).contains("demo.bad.Provider cannot be created").contains("no licence key");
        });
    }

    @Test
    void aPluginWithoutItsDependencyIsReported() throws Exception {
        Path lib = library("1");
        connectorPlugin(plugins.resolve("lonely"), "lonely", lib, "", List.of(api));

        PluginRegistry registry = PluginRegistry.withPluginsDir(plugins);

        assertThat(registry.failures()).singleElement().satisfies(f -> {
            assertThat(f.plugin()).isEqualTo("lonely");
            assertThat(f.reason()).contains("demo.lib");
        });
    }

    @Test
    void aPluginBuiltAgainstAnotherSpiVersionIsRefused() throws Exception {
        Path lib = library("1");
        Path futureApi = PluginJars.withModuleVersion(PluginProvider.class, dir.resolve("storelog-api-9.jar"), "9.0.0");
        Path folder = plugins.resolve("future");
        connectorPlugin(folder, "future", lib, "", List.of(futureApi));
        Files.copy(lib, folder.resolve(lib.getFileName()));

        PluginRegistry registry = PluginRegistry.withPluginsDir(plugins);

        assertThat(registry.failures()).singleElement().satisfies(f -> {
            assertThat(f.plugin()).isEqualTo("future");
            assertThat(f.reason()).contains("built against storelog.api 9.0.0").contains("wrong SPI version");
        });
        assertThat(registry.providers(ConnectorProvider.class)).extracting(ConnectorProvider::name).doesNotContain("future-1");
    }

    @Test
    void aClassPathPluginFolderLoadsThroughItsServicesFile() throws Exception {
        Path folder = Files.createDirectories(plugins.resolve("legacy"));
        Files.writeString(folder.resolve(PluginSource.CLASS_PATH_MARKER), "load this folder class-path style\n");
        PluginJars.jar(folder.resolve("legacy.jar"), List.of(api), Map.of("legacy/Provider.java",
                "package legacy; public final class Provider implements storelog.api.spi.ConnectorProvider {"
                        + " public String name() { return \"legacy\"; }"
                        + " public storelog.api.spi.Connector open(storelog.api.Settings s) { throw new UnsupportedOperationException(); } }"),
                Map.of("META-INF/services/storelog.api.spi.ConnectorProvider", "legacy.Provider\n"), null);

        PluginRegistry registry = PluginRegistry.withPluginsDir(plugins);

        assertThat(registry.failures()).isEmpty();
        assertThat(registry.plugins()).anySatisfy(p -> {
            assertThat(p.name()).isEqualTo("legacy");
            assertThat(p.source()).isEqualTo("plugins/legacy (class path)");
        });
    }

    @Test
    void anAbsentPluginsFolderMeansTheImagesPluginsOnly() {
        PluginRegistry registry = PluginRegistry.withPluginsDir(dir.resolve("no-such-folder"));
        assertThat(registry.failures()).isEmpty();
        assertThat(registry.plugins()).extracting(PluginInfo::name).contains("file");
    }

    @Test
    void spiVersionsAreCompatibleWithinAMajorVersion() {
        assertThat(PluginRegistry.compatible("1.2.0", "1.5.1")).isTrue();
        assertThat(PluginRegistry.compatible("2.0.0", "1.5.1")).isFalse();
        assertThat(PluginRegistry.compatible("0.1.0-SNAPSHOT", "0.1.3")).isTrue();
        assertThat(PluginRegistry.compatible("0.2.0", "0.1.0")).isFalse();
    }
}
