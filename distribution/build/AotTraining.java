import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Writes the image's AOT cache, {@code lib/storelog.aot} (JEP 483/514/515, JDK 25+): runs the image's
 * own {@code bin/storelog} once with {@code -XX:AOTCacheOutput}, on a throw-away data directory and a
 * free loopback port, through what a start and the first requests load (ready, publish, read, metrics),
 * then stops it with SIGTERM; the JVM writes the cache as it exits. {@code bin/storelog} uses the cache
 * when it exists: the classes of the image's modules (Helidon, Jackson, StoreLog) come loaded and
 * linked from it, which halves the JVM's part of a start. Plugins in {@code plugins/} load in their own
 * module layers, which the cache does not cover: they load as they would without it.
 *
 * <p>Run at image build time by the JDK that built the image ({@code java AotTraining.java <image>}).
 * A JDK older than 25 cannot write such a cache: then nothing is written and the build goes on. Any
 * other failure fails the build.
 */
public class AotTraining {

    public static void main(String[] args) throws IOException, InterruptedException {
        Path image = Path.of(args[0]).toAbsolutePath();
        Path cache = image.resolve("lib/storelog.aot");
        if (Runtime.version().feature() < 25) {
            System.out.println("AOT cache: JDK " + Runtime.version() + " cannot write one (JDK 25+); the image has none");
            return;
        }
        for (int attempt = 1; ; attempt++) {
            try {
                train(image, cache);
                return;
            } catch (IllegalStateException e) {
                if (attempt == 3) {
                    throw e;
                }
                System.out.println("AOT cache: training attempt " + attempt + " failed (" + e.getMessage().lines().findFirst().orElse("")
                        + "); again");
            }
        }
    }

    private static void train(Path image, Path cache) throws IOException, InterruptedException {
        Files.deleteIfExists(cache);
        Path data = Files.createTempDirectory("storelog-aot-training");
        int port; // free now; another process could take it before the server binds it: then another attempt
        try (ServerSocket probe = new ServerSocket(0)) {
            port = probe.getLocalPort();
        }
        Path log = data.resolve("server.log");
        ProcessBuilder builder = new ProcessBuilder(image.resolve("bin/storelog").toString())
                .redirectErrorStream(true).redirectOutput(log.toFile());
        // only what the launcher needs: no setting of the build's environment (SEEDS, FSYNC, ...) may reach the server
        builder.environment().keySet().retainAll(java.util.Set.of("PATH", "HOME", "TMPDIR"));
        builder.environment().put("JAVA_OPTS", "-XX:AOTCacheOutput=" + cache);
        builder.environment().put("DATA_DIR", data.resolve("data").toString());
        builder.environment().put("HTTP_HOST", "127.0.0.1");
        builder.environment().put("HTTP_PORT", Integer.toString(port));
        Process server = builder.start();
        try {
            exercise("http://127.0.0.1:" + port, server);
            server.destroy(); // SIGTERM: an orderly stop, after which the JVM writes the cache
            if (!server.waitFor(3, TimeUnit.MINUTES) || server.exitValue() != 0 || !Files.isRegularFile(cache)) {
                throw new IllegalStateException("the training run did not write " + cache + ":\n" + Files.readString(log));
            }
            System.out.println("AOT cache: wrote " + cache + " (" + Files.size(cache) / 1024 / 1024 + " MiB)");
        } finally {
            server.destroyForcibly();
            try (Stream<Path> files = Files.walk(data)) {
                files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
            }
        }
    }

    /** Waits (at most 2 minutes) until the server is ready, then makes the requests a first user makes. */
    private static void exercise(String base, Process server) throws IOException, InterruptedException {
        try (HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build()) {
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
            while (true) {
                try {
                    if (client.send(get(base + "/health/ready"), HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                        break;
                    }
                } catch (IOException notYet) {
                    // not listening yet
                }
                if (!server.isAlive() || System.nanoTime() > deadline) {
                    throw new IllegalStateException("the training server did not become ready");
                }
                Thread.sleep(50);
            }
            for (int i = 0; i < 20; i++) {
                expectOk(client, HttpRequest.newBuilder(URI.create(base + "/publish")).header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"partition_key\":\"training\",\"data_type\":0,\"data\":{\"n\":" + i + "}}"))
                        .build());
                expectOk(client, get(base + "/read?partition=training&offset=" + i));
            }
            expectOk(client, get(base + "/records?partition=training&offset=0&max=10"));
            expectOk(client, get(base + "/partitions"));
            expectOk(client, get(base + "/metrics"));
        }
    }

    private static HttpRequest get(String uri) {
        return HttpRequest.newBuilder(URI.create(uri)).timeout(Duration.ofSeconds(30)).GET().build();
    }

    private static void expectOk(HttpClient client, HttpRequest request) throws IOException, InterruptedException {
        HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IllegalStateException(request.uri() + " answered " + response.statusCode() + ": " + response.body());
        }
    }
}
