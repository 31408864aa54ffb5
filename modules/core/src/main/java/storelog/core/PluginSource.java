package storelog.core;

import java.io.IOException;
import java.lang.module.Configuration;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.lang.module.ModuleReference;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Where plugin providers come from: the boot layer (plugins linked into the image), or one entry of
 * {@code PLUGINS_DIR} — a jar, or a folder of jars (the plugin and its dependencies) — loaded as a
 * child {@link ModuleLayer} of its own, so plugins can carry different versions of one library. A
 * folder holding a file named {@value #CLASS_PATH_MARKER} is loaded class-path style instead (one
 * {@link URLClassLoader}, providers from {@code META-INF/services}), for libraries that are not
 * module-path clean, such as Apache Ratis (split packages).
 */
final class PluginSource {

    /** Marks a plugin folder to be loaded class-path style. */
    static final String CLASS_PATH_MARKER = "class-path-plugin";

    private final String name;
    private final ModuleLayer layer;
    private final ClassLoader loader;

    private PluginSource(String name, ModuleLayer layer, ClassLoader loader) {
        this.name = name;
        this.layer = layer;
        this.loader = loader;
    }

    static PluginSource boot() {
        return new PluginSource("image", ModuleLayer.boot(), null);
    }

    /** A source for one entry of the plugins folder. */
    static PluginSource of(Path entry) throws IOException {
        String name = entry.getFileName().toString();
        List<Path> jars = jars(entry);
        if (jars.isEmpty()) {
            throw new IOException("holds no jar");
        }
        if (Files.isDirectory(entry) && Files.exists(entry.resolve(CLASS_PATH_MARKER))) {
            List<URL> urls = new ArrayList<>();
            for (Path jar : jars) {
                urls.add(toUrl(jar));
            }
            return new PluginSource(name, null, new URLClassLoader("plugin-" + name, urls.toArray(URL[]::new),
                    PluginSource.class.getClassLoader()));
        }
        ModuleLayer boot = ModuleLayer.boot();
        Set<String> provided = boot.modules().stream().map(Module::getName).collect(Collectors.toSet());
        ModuleFinder all = ModuleFinder.of(jars.toArray(Path[]::new));
        // modules the image already has (the SPI above all) come from the image, so types are shared
        Set<ModuleReference> own = all.findAll().stream()
                .filter(Predicate.not(m -> provided.contains(m.descriptor().name()))).collect(Collectors.toSet());
        ModuleFinder finder = new SetModuleFinder(own);
        Set<String> roots = own.stream().map(m -> m.descriptor().name()).collect(Collectors.toSet());
        Configuration configuration = boot.configuration().resolveAndBind(finder, ModuleFinder.of(), roots);
        return new PluginSource(name, boot.defineModulesWithOneLoader(configuration, PluginSource.class.getClassLoader()), null);
    }

    private static List<Path> jars(Path entry) throws IOException {
        if (!Files.isDirectory(entry)) {
            return entry.toString().endsWith(".jar") ? List.of(entry) : List.of();
        }
        try (Stream<Path> files = Files.list(entry)) {
            return files.filter(f -> f.toString().endsWith(".jar")).sorted().toList();
        }
    }

    private static URL toUrl(Path jar) throws MalformedURLException {
        return jar.toUri().toURL();
    }

    String name() {
        return name;
    }

    boolean isImage() {
        return layer == ModuleLayer.boot();
    }

    /** The class loader to make current while calling into this source's plugins. */
    ClassLoader loader() {
        return loader != null ? loader : layer.modules().stream().findFirst().map(Module::getClassLoader)
                .orElse(PluginSource.class.getClassLoader());
    }

    /**
     * This source's own providers of {@code spi}, never those of a parent. The image's are found
     * through the application class loader: the boot layer's modules (and, in development, the
     * class path).
     */
    <P> List<ServiceLoader.Provider<P>> providers(Class<P> spi) {
        if (loader != null) {
            return ServiceLoader.load(spi, loader).stream().filter(p -> p.type().getClassLoader() == loader).toList();
        }
        if (isImage()) {
            return ServiceLoader.load(spi, PluginSource.class.getClassLoader()).stream().toList();
        }
        return ServiceLoader.load(layer, spi).stream().filter(p -> p.type().getModule().getLayer() == layer).toList();
    }

    /** How a provider's origin is shown: the image module, the class path, or this plugin entry. */
    String describe(Class<?> type) {
        if (!isImage()) {
            return "plugins/" + name + (loader != null ? " (class path)" : " (" + type.getModule().getName() + ")");
        }
        return type.getModule().isNamed() ? "image (" + type.getModule().getName() + ")" : "class path";
    }

    /** The version of the module a provider lives in, or {@code -}. */
    static String version(Class<?> type) {
        ModuleDescriptor descriptor = type.getModule().getDescriptor();
        return descriptor == null ? "-" : descriptor.rawVersion().orElse("-");
    }

    /** A module finder over a fixed set of references. */
    private record SetModuleFinder(Set<ModuleReference> references) implements ModuleFinder {
        @Override
        public java.util.Optional<ModuleReference> find(String name) {
            return references.stream().filter(r -> r.descriptor().name().equals(name)).findFirst();
        }

        @Override
        public Set<ModuleReference> findAll() {
            return references;
        }
    }
}
