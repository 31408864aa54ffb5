package storelog.core;

import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.lang.module.ModuleDescriptor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import storelog.api.InvalidSettingException;
import storelog.api.spi.ConnectorProvider;
import storelog.api.spi.DiscoveryProvider;
import storelog.api.spi.LeaderElectorProvider;
import storelog.api.spi.PluginProvider;
import storelog.api.spi.StorageEngineProvider;

/**
 * The plugins of a node, found once at start-up with {@link ServiceLoader}: those linked into the
 * image (the boot layer) and those dropped into {@code PLUGINS_DIR}, each folder or jar there in a
 * {@link PluginSource} of its own. A plugin that fails — a corrupt jar, a missing dependency, a
 * constructor that throws, a build against an incompatible SPI — is recorded with its name and
 * reason and the others still load. Providers are picked by configured name. Thread-safe (immutable).
 */
public final class PluginRegistry {

    /** The variable naming the storage engine plugin. */
    public static final String STORAGE = "STORAGE";
    /** The variable naming the connector plugin. */
    public static final String CONNECTOR = "CONNECTOR";
    /** The variable naming the folder of drop-in plugins. */
    public static final String PLUGINS_DIR = "PLUGINS_DIR";

    private static final Logger LOG = System.getLogger(PluginRegistry.class.getName());
    private static final Map<Class<? extends PluginProvider>, String> SPIS = Map.of(
            StorageEngineProvider.class, "storage", ConnectorProvider.class, "connector",
            LeaderElectorProvider.class, "elector", DiscoveryProvider.class, "discovery");

    private final List<Found> found = new ArrayList<>();
    private final List<PluginFailure> failures = new ArrayList<>();

    private record Found(PluginSource source, Class<? extends PluginProvider> spi, PluginProvider provider) {
    }

    private PluginRegistry(List<PluginSource> sources) {
        for (PluginSource source : sources) {
            for (Class<? extends PluginProvider> spi : SPIS.keySet().stream().sorted((a, b) -> SPIS.get(a).compareTo(SPIS.get(b))).toList()) {
                load(source, spi);
            }
        }
    }

    /** The plugins of the boot layer only (the image; the module path in tests). */
    public static PluginRegistry bootLayer() {
        return new PluginRegistry(List.of(PluginSource.boot()));
    }

    /** The image's plugins and every folder or jar in {@code pluginsDir} (which may be absent). */
    public static PluginRegistry withPluginsDir(Path pluginsDir) {
        List<PluginSource> sources = new ArrayList<>(List.of(PluginSource.boot()));
        List<PluginFailure> broken = new ArrayList<>();
        if (Files.isDirectory(pluginsDir)) {
            try (Stream<Path> entries = Files.list(pluginsDir)) {
                for (Path entry : entries.sorted().toList()) {
                    try {
                        sources.add(PluginSource.of(entry));
                    } catch (IOException | RuntimeException | LinkageError e) {
                        broken.add(new PluginFailure(entry.getFileName().toString(), "cannot be loaded: " + message(e)));
                    }
                }
            } catch (IOException e) {
                broken.add(new PluginFailure(pluginsDir.toString(), "cannot be listed: " + e.getMessage()));
            }
        }
        PluginRegistry registry = new PluginRegistry(sources);
        registry.failures.addAll(0, broken);
        registry.failures.forEach(f -> LOG.log(Level.WARNING, "plugin {0} failed and is left out: {1}", f.plugin(), f.reason()));
        return registry;
    }

    private <P extends PluginProvider> void load(PluginSource source, Class<P> spi) {
        List<ServiceLoader.Provider<P>> candidates;
        try {
            candidates = source.providers(spi);
        } catch (java.util.ServiceConfigurationError | LinkageError e) {
            failures.add(new PluginFailure(source.name(), SPIS.get(spi) + " providers cannot be listed: " + message(e)));
            return;
        }
        for (ServiceLoader.Provider<P> candidate : candidates) {
            String plugin = source.isImage() ? candidate.type().getModule().getName() : source.name();
            try {
                checkSpiVersion(candidate.type());
                P provider = withLoader(source, candidate::get);
                String name = provider.name();
                found.stream().filter(f -> f.spi() == spi && f.provider().name().equals(name)).findFirst().ifPresentOrElse(
                        earlier -> failures.add(new PluginFailure(plugin, SPIS.get(spi) + " plugin \"" + name
                                + "\" is already provided by " + earlier.source().describe(earlier.provider().getClass()))),
                        () -> found.add(new Found(source, spi, provider)));
            } catch (java.util.ServiceConfigurationError | RuntimeException | LinkageError e) {
                failures.add(new PluginFailure(plugin, candidate.type().getName() + " cannot be created: " + message(e)));
            }
        }
    }

    /** A plugin built against another major version of the SPI module is refused before it runs. */
    private static void checkSpiVersion(Class<?> type) {
        ModuleDescriptor plugin = type.getModule().getDescriptor();
        ModuleDescriptor api = PluginProvider.class.getModule().getDescriptor();
        if (plugin == null || api == null || api.version().isEmpty()) {
            return;
        }
        plugin.requires().stream().filter(r -> r.name().equals(api.name())).findFirst()
                .flatMap(ModuleDescriptor.Requires::rawCompiledVersion)
                .filter(built -> !compatible(built, api.rawVersion().orElseThrow()))
                .ifPresent(built -> {
                    throw new IllegalStateException("it was built against " + api.name() + " " + built + ", this StoreLog has "
                            + api.rawVersion().orElseThrow() + " (wrong SPI version)");
                });
    }

    /** Same major version (for 0.x: same minor). */
    static boolean compatible(String built, String running) {
        String[] b = built.split("[.-]");
        String[] r = running.split("[.-]");
        if (b.length < 2 || r.length < 2) {
            return built.equals(running);
        }
        return b[0].equals(r[0]) && (!b[0].equals("0") || b[1].equals(r[1]));
    }

    /** Every provider of an SPI: the image's first, then the drop-in plugins' in folder order. */
    public <P> List<P> providers(Class<P> spi) {
        return found.stream().filter(f -> f.spi() == spi).map(f -> spi.cast(f.provider())).toList();
    }

    /** Every plugin found, in load order. */
    public List<PluginInfo> plugins() {
        return found.stream().map(f -> new PluginInfo(f.provider().name(), SPIS.get(f.spi()),
                PluginSource.version(f.provider().getClass()), f.source().describe(f.provider().getClass()))).toList();
    }

    /** Every plugin that failed to load, with the reason. */
    public List<PluginFailure> failures() {
        return List.copyOf(failures);
    }

    /**
     * Runs {@code call} with the plugin's class loader as the thread's context class loader (many
     * libraries load classes through it), restoring the caller's afterwards.
     */
    public <T> T withLoaderOf(PluginProvider provider, Supplier<T> call) {
        // not Optional.map(...).orElseGet(call): a call that returns null would run a second time
        for (Found f : found) {
            if (f.provider() == provider) {
                return withLoader(f.source(), call);
            }
        }
        return call.get();
    }

    private static <T> T withLoader(PluginSource source, Supplier<T> call) {
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(source.loader());
        try {
            return call.get();
        } finally {
            thread.setContextClassLoader(previous);
        }
    }

    /**
     * The storage engine provider called {@code name}.
     *
     * @throws InvalidSettingException naming {@code STORAGE} and the engines that exist
     */
    public StorageEngineProvider storageEngine(String name) {
        return byName(StorageEngineProvider.class, STORAGE, name);
    }

    /**
     * The connector provider called {@code name}.
     *
     * @throws InvalidSettingException naming {@code CONNECTOR} and the connectors that exist
     */
    public ConnectorProvider connector(String name) {
        return byName(ConnectorProvider.class, CONNECTOR, name);
    }

    private <P extends PluginProvider> P byName(Class<P> spi, String variable, String name) {
        List<P> all = providers(spi);
        return all.stream().filter(p -> p.name().equals(name)).findFirst()
                .orElseThrow(() -> new InvalidSettingException(variable, name, "no " + spi.getSimpleName()
                        + " plugin has that name; found: " + (all.isEmpty() ? "none"
                        : all.stream().map(PluginProvider::name).sorted().collect(Collectors.joining(", ")))));
    }

    private static String message(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String text = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return root == e ? text : text + " (" + root.getClass().getSimpleName() + ": " + root.getMessage() + ")";
    }
}
