package storelog.testkit;

import java.io.File;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * What a test needs to start a class's {@code main} in a child JVM it can kill: the running JVM's
 * {@code java} binary and a class path of the jars or folders given classes were loaded from.
 */
public final class ChildJvm {

    private ChildJvm() {
    }

    /** The {@code java} binary of this JVM (so a child runs on the JDK the tests run on). */
    public static String java() {
        return ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    }

    /** A {@code -cp} value: where each of {@code types} was loaded from, in that order. */
    public static String classPath(Class<?>... types) {
        return Arrays.stream(types).map(type -> PluginJars.location(type).toString()).collect(Collectors.joining(File.pathSeparator));
    }
}
