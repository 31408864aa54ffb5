package storelog.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One StoreLog node run from the built runtime image ({@code distribution/target/storelog/bin/storelog}),
 * as a user runs it: its own data directory and environment, output appended to {@code node.log} in
 * its directory (kept across restarts). Signals go to the JVM itself (the launcher execs it).
 */
final class ImageNode implements AutoCloseable {

    static final Path IMAGE = Path.of(System.getProperty("storelog.image", "target/storelog")).toAbsolutePath();
    /**
     * The nodes' JVM options: quick to start by default (C1 only, serial GC: tests start many JVMs on
     * two cores; no class-sharing option, so bin/storelog uses the image's AOT cache as a user's start
     * does); {@code -Dstorelog.it.javaOpts=...} for figures (e.g. the image's own defaults: "").
     */
    private static final String JAVA_OPTS = System.getProperty("storelog.it.javaOpts",
            "-Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1");
    private static final Pattern SERVING = Pattern.compile("serving HTTP on [^ ]+:(\\d+)");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final String id;
    private final Path dir;
    private final Map<String, String> env;
    private Process process;
    private volatile int port;
    private long logOffset;

    ImageNode(String id, Path dir, Map<String, String> env) {
        this.id = id;
        this.dir = dir;
        this.env = new HashMap<>(env);
        this.env.put("NODE_ID", id);
        this.env.putIfAbsent("DATA_DIR", dir.resolve("data").toString());
        this.env.putIfAbsent("HTTP_PORT", "0");
        this.env.putIfAbsent("HTTP_HOST", "127.0.0.1");
    }

    String id() {
        return id;
    }

    Map<String, String> env() {
        return env;
    }

    /** Starts the process (again, after a kill or stop) with the same directory and environment. */
    ImageNode start() {
        try {
            Files.createDirectories(dir);
            Path log = dir.resolve("node.log");
            logOffset = Files.exists(log) ? Files.size(log) : 0;
            ProcessBuilder builder = new ProcessBuilder(IMAGE.resolve("bin/storelog").toString()).directory(dir.toFile())
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
            builder.environment().clear();
            builder.environment().put("PATH", System.getenv("PATH"));
            builder.environment().put("JAVA_OPTS", JAVA_OPTS);
            builder.environment().putAll(env);
            process = builder.start();
            port = 0;
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The HTTP port, once the node logged that it serves (this run). */
    int awaitPort() {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            Matcher m = SERVING.matcher(logOfThisRun());
            if (m.find()) {
                port = Integer.parseInt(m.group(1));
                return port;
            }
            if (!process.isAlive()) {
                throw new AssertionError(id + " exited with " + process.exitValue() + ":\n" + logOfThisRun());
            }
            waitFor(20);
        }
        throw new AssertionError(id + " did not start within 60 s:\n" + logOfThisRun());
    }

    String http() {
        return "127.0.0.1:" + (port == 0 ? awaitPort() : port);
    }

    URI uri(String pathAndQuery) {
        return URI.create("http://" + http() + pathAndQuery);
    }

    /** GET as JSON; null when the node does not answer. */
    JsonNode get(String pathAndQuery) {
        try {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(uri(pathAndQuery)).timeout(Duration.ofSeconds(2)).build(),
                    HttpResponse.BodyHandlers.ofString());
            return JSON.readTree(r.body());
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /** GET as text (e.g. {@code /metrics}); null when the node does not answer. */
    String text(String pathAndQuery) {
        try {
            return HTTP.send(HttpRequest.newBuilder(uri(pathAndQuery)).timeout(Duration.ofSeconds(2)).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /** POST a JSON body; the response (status and body). */
    HttpResponse<String> post(String path, String body) {
        return postWithSecret(path, body, null);
    }

    /** POST a JSON body with {@code X-Cluster-Secret} (when not null). */
    HttpResponse<String> postWithSecret(String path, String body, String secret) {
        try {
            HttpRequest.Builder request = HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(5))
                    .header("Content-Type", "application/json");
            if (secret != null) {
                request.header("X-Cluster-Secret", secret);
            }
            return HTTP.send(request.POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** {@code /status}, or null when the node does not answer. */
    JsonNode status() {
        return isAlive() ? get("/status") : null;
    }

    boolean isAlive() {
        return process != null && process.isAlive();
    }

    long pid() {
        return process.pid();
    }

    /** SIGKILL, and wait until the process is gone. */
    void kill() {
        process.destroyForcibly();
        try {
            process.waitFor(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** SIGTERM; returns the exit code. */
    int terminate() {
        process.destroy();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                throw new AssertionError(id + " did not stop within 30 s of SIGTERM:\n" + logOfThisRun());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return process.exitValue();
    }

    void pause() {
        signal("STOP");
    }

    void resume() {
        signal("CONT");
    }

    private void signal(String name) {
        try {
            Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).start();
            if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
                throw new AssertionError("kill -" + name + " " + process.pid() + " failed");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** What the node logged since its last start. */
    String logOfThisRun() {
        try {
            byte[] all = Files.readAllBytes(dir.resolve("node.log"));
            return new String(all, (int) Math.min(logOffset, all.length), (int) Math.max(0, all.length - logOffset),
                    StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    private void waitFor(long millis) {
        try {
            process.waitFor(millis, TimeUnit.MILLISECONDS); // wakes at once if the process ends
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The arguments of a command of the image ({@code plugins}, {@code verify} ...) run to its end: exit code and output. */
    static CommandResult run(Path dir, Map<String, String> env, List<String> args) {
        try {
            Files.createDirectories(dir);
            List<String> command = new java.util.ArrayList<>(List.of(IMAGE.resolve("bin/storelog").toString()));
            command.addAll(args);
            ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
            builder.environment().putAll(env);
            Process p = builder.start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("storelog " + args + " did not end within 60 s");
            }
            return new CommandResult(p.exitValue(), out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    record CommandResult(int exitCode, String output) {
    }

    @Override
    public void close() {
        if (process != null && process.isAlive()) {
            resume(); // a stopped process ignores SIGKILL's wake-up until continued on some systems
            kill();
        }
    }

    @Override
    public String toString() {
        return id;
    }
}
