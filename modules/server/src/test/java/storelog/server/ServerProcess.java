package storelog.server;

import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code storelog} in a child JVM, as a user runs it: same module path as the tests, its own
 * environment, output in {@code stdout.txt} / {@code stderr.txt} of its directory.
 */
final class ServerProcess implements AutoCloseable {

    private static final Pattern SERVING = Pattern.compile("serving HTTP on [^ ]+:(\\d+)");
    private static final long DEADLINE_SECONDS = 30;

    private final Process process;
    private final Path stdout;
    private final Path stderr;

    private ServerProcess(Process process, Path stdout, Path stderr) {
        this.process = process;
        this.stdout = stdout;
        this.stderr = stderr;
    }

    /** Starts {@code storelog <args>} with {@code env} added to this JVM's environment, writing output under {@code dir}. */
    static ServerProcess start(Path dir, Map<String, String> env, List<String> jvmOptions, String... args) {
        return start(List.of(), dir, env, jvmOptions, args);
    }

    /**
     * A standalone node on loopback ({@code FSYNC=never}, data in {@code dir/data}, run files in
     * {@code dir/run}) with at most {@code descriptors} open files (soft and hard limit, {@code prlimit};
     * the test is skipped where prlimit is missing), plus {@code env}.
     */
    static ServerProcess startWithOpenFileLimit(int descriptors, Path dir, Map<String, String> env) {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/prlimit")), "prlimit (util-linux)");
        Map<String, String> all = new HashMap<>(Map.of("DATA_DIR", dir.resolve("data").toString(), "HTTP_PORT", "0",
                "HTTP_HOST", "127.0.0.1", "FSYNC", "never"));
        all.putAll(env);
        return start(List.of("prlimit", "--nofile=" + descriptors + ":" + descriptors, "--"), dir.resolve("run"), all, List.of());
    }

    private static ServerProcess start(List<String> prefix, Path dir, Map<String, String> env, List<String> jvmOptions,
            String... args) {
        List<String> command = new ArrayList<>(prefix);
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        // C1 and the serial collector, as the test JVMs (root POM, test.jvm.options): a child that
        // mostly starts and stops takes a third less CPU (~0.37 s -> 0.26 s for a refused start-up)
        command.addAll(List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC"));
        command.addAll(jvmOptions);
        command.add("-p");
        command.add(System.getProperty("jdk.module.path"));
        command.add("-m");
        command.add("storelog.server/storelog.server.Main");
        command.addAll(List.of(args));
        try {
            Files.createDirectories(dir);
            Path out = dir.resolve("stdout.txt");
            Path err = dir.resolve("stderr.txt");
            ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile())
                    .redirectOutput(out.toFile()).redirectError(err.toFile());
            builder.environment().putAll(env);
            return new ServerProcess(builder.start(), out, err);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The HTTP port once the server logged that it serves. */
    int awaitPort() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(DEADLINE_SECONDS);
        while (System.nanoTime() < deadline) {
            Matcher m = SERVING.matcher(stderr() + stdout());
            if (m.find()) {
                return Integer.parseInt(m.group(1));
            }
            if (!process.isAlive()) {
                throw new AssertionError("the server exited with " + process.exitValue() + ": " + stderr());
            }
            process.waitFor(20, TimeUnit.MILLISECONDS); // wakes at once if the process ends
        }
        throw new AssertionError("the server did not start within " + DEADLINE_SECONDS + " s: " + stderr());
    }

    /** Waits for the process to end by itself and returns its exit code. */
    int awaitExit() throws InterruptedException {
        assertThat(process.waitFor(DEADLINE_SECONDS, TimeUnit.SECONDS)).as("exited within %d s", DEADLINE_SECONDS).isTrue();
        return process.exitValue();
    }

    /** Sends SIGTERM. */
    void terminate() {
        process.destroy();
    }

    /** Sends a signal by name ({@code TERM}, {@code INT} ...) with {@code kill}. */
    void signal(String name) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-s", name, Long.toString(process.pid())).redirectErrorStream(true).start();
        assertThat(kill.waitFor(DEADLINE_SECONDS, TimeUnit.SECONDS)).isTrue();
        assertThat(kill.exitValue()).as("kill -s %s: %s", name, new String(kill.getInputStream().readAllBytes())).isZero();
    }

    /** Waits until the server's stderr contains {@code text}. */
    void awaitStderr(String text) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(DEADLINE_SECONDS);
        while (!stderr().contains(text)) {
            if (!process.isAlive() && !stderr().contains(text)) {
                throw new AssertionError("the server exited with " + process.exitValue() + " before logging \"" + text + "\": "
                        + stderr());
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no \"" + text + "\" within " + DEADLINE_SECONDS + " s in: " + stderr());
            }
            process.waitFor(20, TimeUnit.MILLISECONDS);
        }
    }

    Process process() {
        return process;
    }

    String stdout() {
        return read(stdout);
    }

    String stderr() {
        return read(stderr);
    }

    private static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        process.destroyForcibly();
    }
}
