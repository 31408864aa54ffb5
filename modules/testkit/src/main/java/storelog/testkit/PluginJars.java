package storelog.testkit;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.spi.ToolProvider;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;

/**
 * Builds small plugin and library jars at test time, from Java sources given as text: so tests of
 * plugin loading drop real jars (modules, services, dependencies, versions) without extra build
 * modules.
 */
public final class PluginJars {

    private PluginJars() {
    }

    /**
     * Compiles {@code sources} (relative path to content, e.g. {@code module-info.java},
     * {@code demo/a/Provider.java}) against {@code modulePath}, adds {@code resources} as they are,
     * and writes the jar, with {@code --module-version version} when given.
     */
    public static Path jar(Path jar, List<Path> modulePath, Map<String, String> sources, Map<String, String> resources,
                           String version) {
        return jar(jar, modulePath, List.of(), sources, resources, version);
    }

    /** Like {@link #jar(Path, List, Map, Map, String)}, compiling class-path code against {@code classPath} too. */
    public static Path jar(Path jar, List<Path> modulePath, List<Path> classPath, Map<String, String> sources,
                           Map<String, String> resources, String version) {
        try {
            Path work = Files.createTempDirectory(jar.getParent(), "build-");
            Path src = work.resolve("src");
            Path classes = Files.createDirectories(work.resolve("classes"));
            List<String> files = new ArrayList<>();
            for (Map.Entry<String, String> source : sources.entrySet()) {
                Path file = src.resolve(source.getKey());
                Files.createDirectories(file.getParent());
                Files.writeString(file, source.getValue());
                files.add(file.toString());
            }
            List<String> args = new ArrayList<>(List.of("--release", "21", "-d", classes.toString(), "-proc:none"));
            if (!modulePath.isEmpty()) {
                args.add("--module-path");
                args.add(String.join(java.io.File.pathSeparator, modulePath.stream().map(Path::toString).toList()));
            }
            if (!classPath.isEmpty()) {
                args.add("-cp");
                args.add(String.join(java.io.File.pathSeparator, classPath.stream().map(Path::toString).toList()));
            }
            if (!modulePath.isEmpty() && !sources.containsKey("module-info.java")) {
                args.add("--add-modules"); // class-path code: see the modules it compiles against
                args.add("ALL-MODULE-PATH");
            }
            if (version != null && sources.containsKey("module-info.java")) {
                args.add("--module-version");
                args.add(version);
            }
            args.addAll(files);
            JavaCompiler javac = javax.tools.ToolProvider.getSystemJavaCompiler();
            if (javac.run(null, null, System.err, args.toArray(String[]::new)) != 0) {
                throw new IllegalStateException("compiling " + jar.getFileName() + " failed (see the test output)");
            }
            for (Map.Entry<String, String> resource : resources.entrySet()) {
                Path file = classes.resolve(resource.getKey());
                Files.createDirectories(file.getParent());
                Files.writeString(file, resource.getValue());
            }
            write(jar, classes);
            delete(work);
            return jar;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A copy of a module (jar or classes folder) as a jar whose module version is {@code version}. */
    public static Path withModuleVersion(Class<?> member, Path jar, String version) {
        ToolProvider tool = ToolProvider.findFirst("jar").orElseThrow(() -> new IllegalStateException("no jar tool"));
        Path location = location(member);
        try {
            Path classes = location;
            Path work = null;
            if (!Files.isDirectory(location)) {
                work = Files.createTempDirectory(jar.getParent(), "unpack-");
                try (var zip = new java.util.zip.ZipFile(location.toFile())) {
                    for (var entry : java.util.Collections.list(zip.entries())) {
                        Path target = work.resolve(entry.getName());
                        if (entry.isDirectory()) {
                            Files.createDirectories(target);
                        } else {
                            Files.createDirectories(target.getParent());
                            Files.copy(zip.getInputStream(entry), target);
                        }
                    }
                }
                classes = work;
            }
            int status = tool.run(System.out, System.err, "--create", "--file", jar.toString(), "--module-version", version,
                    "-C", classes.toString(), ".");
            if (work != null) {
                delete(work);
            }
            if (status != 0) {
                throw new IllegalStateException("jar --module-version failed");
            }
            return jar;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The jar or classes folder a class was loaded from. */
    public static Path location(Class<?> type) {
        try {
            return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void write(Path jar, Path classes) throws IOException {
        Files.createDirectories(jar.getParent());
        try (OutputStream file = Files.newOutputStream(jar); JarOutputStream out = new JarOutputStream(file);
             Stream<Path> all = Files.walk(classes)) {
            for (Path p : all.filter(Files::isRegularFile).sorted().toList()) {
                out.putNextEntry(new JarEntry(classes.relativize(p).toString().replace('\\', '/')));
                Files.copy(p, out);
                out.closeEntry();
            }
        }
    }

    private static void delete(Path dir) throws IOException {
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
