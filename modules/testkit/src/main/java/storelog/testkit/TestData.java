package storelog.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Comparator;
import java.util.stream.Stream;
import org.junit.jupiter.api.TestInfo;

/**
 * GoStoreLog's test-data convention (DESIGN.md §7): each test writes under
 * {@code test-data/<TestClass>/<test>/} in the project root, cleans it when it starts and leaves it
 * when it ends, so the files can be inspected after a run.
 *
 * <p>The root comes from the {@code storelog.testData} system property (set by the build), else the
 * nearest {@code test-data} directory above the working directory.
 */
public final class TestData {

    private TestData() {
    }

    /** A fresh, empty directory for the running test. */
    public static Path directory(TestInfo test) {
        String testClass = test.getTestClass().map(Class::getSimpleName).orElse("unknown");
        String method = test.getTestMethod().map(Method::getName).orElse("test");
        String testName = method + suffix(method, test.getDisplayName());
        return fresh(root().resolve(testClass).resolve(testName));
    }

    /** A fresh, empty directory {@code test-data/<owner>/<name>/}, for fixtures shared by a class. */
    public static Path directory(Class<?> owner, String name) {
        return fresh(root().resolve(owner.getSimpleName()).resolve(name));
    }

    /**
     * Parameterized and repeated tests get their display name (as letters, digits and dashes) unless it
     * is the plain {@code method()}, so invocations never share a folder, whatever their name pattern.
     */
    private static String suffix(String methodName, String displayName) {
        if (displayName.equals(methodName + "()")) {
            return "";
        }
        String safe = displayName.replaceAll("[^A-Za-z0-9]+", "-").replaceAll("^-|-$", "");
        return safe.isEmpty() ? "" : "-" + safe.substring(0, Math.min(safe.length(), 80));
    }

    private static Path fresh(Path dir) {
        try {
            if (Files.exists(dir)) {
                try (Stream<Path> all = Files.walk(dir)) {
                    all.sorted(Comparator.reverseOrder()).forEach(TestData::delete);
                }
            }
            return Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void delete(Path path) {
        try {
            Files.delete(path);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path root() {
        String configured = System.getProperty("storelog.testData");
        if (configured != null && !configured.isBlank() && !configured.contains("${")) {
            return Paths.get(configured).toAbsolutePath();
        }
        for (Path dir = Paths.get("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isDirectory(dir.resolve("test-data"))) {
                return dir.resolve("test-data");
            }
        }
        return Paths.get("test-data").toAbsolutePath();
    }
}
