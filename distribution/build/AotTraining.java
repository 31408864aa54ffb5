import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;
import java.util.stream.Stream;

/**
 * Writes the image's AOT cache, {@code lib/storelog.aot} (JEP 483/514/515, JDK 25+): runs the image's
 * own {@code bin/storelog} with {@code -XX:AOTCacheOutput}, on a throw-away data directory and a free
 * loopback port, through what a restart and its first users load and run, then stops it with SIGTERM; the
 * JVM writes the cache as it exits. {@code bin/storelog} uses the cache when it exists: the classes of
 * the image's modules (Helidon, Jackson, StoreLog, the linked store-file and channel plugins) come loaded
 * and linked from it, which halves the JVM's part of a start, and the methods the training ran often
 * enough come with their profiles (JEP 515), so the JIT compiles them sooner after every start. Plugins
 * in {@code plugins/} load in their own module layers, which the cache does not cover: they load as they
 * would without it.
 *
 * <p>The recorded run is a restart: a first, unrecorded start creates {@value #PARTITIONS} partitions
 * and stops cleanly; the recorded start then reads each of them for the first time (a partition's load:
 * its listing, its files opened, the clean check), again, appends to them, creates new ones, and makes
 * the other requests a first user makes, {@value #CONCURRENCY} at a time. A start on an empty directory
 * alone would leave the first read of every stored partition, what users meet after each restart, out
 * of the cache and without profiles.
 *
 * <p>Run at image build time by the JDK that built the image ({@code java AotTraining.java <image>}).
 * A JDK older than 25 cannot write such a cache: then nothing is written and the build goes on. Any
 * other failure fails the build.
 */
public class AotTraining {

    /** Partitions the unrecorded start creates and the recorded one reads cold: enough calls for profiles. */
    static final int PARTITIONS = 2_000;
    /** Requests in flight at once, over as many HTTP/1.1 connections. */
    static final int CONCURRENCY = 16;

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
        Path work = Files.createTempDirectory("storelog-aot-training");
        try {
            long started = System.nanoTime();
            serve(image, work, "seed", "-DFSYNC=never", AotTraining::seed); // creation speed is not what is trained
            serve(image, work, "recorded", "-XX:AOTCacheOutput=" + cache, AotTraining::exercise);
            if (!Files.isRegularFile(cache)) {
                throw new IllegalStateException("the training run did not write " + cache + ":\n" + Files.readString(work.resolve("recorded.log")));
            }
            System.out.println("AOT cache: wrote " + cache + " (" + Files.size(cache) / 1024 / 1024 + " MiB) in "
                    + TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started) + " s");
        } finally {
            try (Stream<Path> files = Files.walk(work)) {
                files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
            }
        }
    }

    /** What a run of the server is made to do once it is ready; {@code base} is its "http://host:port". */
    interface Requests {
        void make(HttpClient client, String base) throws IOException, InterruptedException;
    }

    /**
     * Starts the image's server on {@code work}/data with {@code javaOpts}, waits until it is ready, makes
     * {@code requests}, and stops it with SIGTERM (an orderly stop: the store's clean-shutdown marker, and
     * with {@code -XX:AOTCacheOutput} the cache, are written as it exits). Its output goes to
     * {@code work}/{@code name}.log, shown when it fails.
     */
    private static void serve(Path image, Path work, String name, String javaOpts, Requests requests)
            throws IOException, InterruptedException {
        int port; // free now; another process could take it before the server binds it: then another attempt
        try (ServerSocket probe = new ServerSocket(0)) {
            port = probe.getLocalPort();
        }
        Path log = work.resolve(name + ".log");
        ProcessBuilder builder = new ProcessBuilder(image.resolve("bin/storelog").toString())
                .redirectErrorStream(true).redirectOutput(log.toFile());
        // only what the launcher needs: no setting of the build's environment (SEEDS, FSYNC, ...) may reach the server
        builder.environment().keySet().retainAll(java.util.Set.of("PATH", "HOME", "TMPDIR"));
        builder.environment().put("JAVA_OPTS", javaOpts);
        builder.environment().put("DATA_DIR", work.resolve("data").toString());
        builder.environment().put("HTTP_HOST", "127.0.0.1");
        builder.environment().put("HTTP_PORT", Integer.toString(port));
        Process server = builder.start();
        String base = "http://127.0.0.1:" + port;
        try (HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build()) {
            awaitReady(client, base, server);
            requests.make(client, base);
            server.destroy(); // SIGTERM
            if (!server.waitFor(3, TimeUnit.MINUTES) || server.exitValue() != 0) {
                throw new IllegalStateException("the " + name + " training server did not stop cleanly:\n" + Files.readString(log));
            }
        } catch (IllegalStateException e) {
            throw new IllegalStateException(e.getMessage() + "\n" + name + " server's output:\n" + Files.readString(log), e);
        } finally {
            server.destroyForcibly();
        }
    }

    /** Waits (at most 2 minutes) until the server answers /health/ready. */
    private static void awaitReady(HttpClient client, String base, Process server) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
        while (true) {
            try {
                if (client.send(get(base + "/health/ready"), HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            if (!server.isAlive() || System.nanoTime() > deadline) {
                throw new IllegalStateException("the training server did not become ready");
            }
            Thread.sleep(50);
        }
    }

    /** The unrecorded start: one record in each of the partitions the recorded start reads cold. */
    private static void seed(HttpClient client, String base) throws InterruptedException {
        inParallel(client, PARTITIONS, i -> publish(base, "t" + i, i));
    }

    /** The recorded start: a restart's first reads of stored partitions, then what a first user does. */
    private static void exercise(HttpClient client, String base) throws IOException, InterruptedException {
        inParallel(client, PARTITIONS, i -> get(base + "/read?partition=t" + i + "&offset=0")); // each partition's load
        inParallel(client, PARTITIONS, i -> get(base + "/read?partition=t" + i + "&offset=0")); // loaded
        inParallel(client, PARTITIONS, i -> publish(base, "t" + i, i)); // appends to loaded partitions
        inParallel(client, PARTITIONS / 4, i -> publish(base, "n" + i, i)); // first publishes: new partitions
        inParallel(client, PARTITIONS / 4, i -> publish(base, "training", i)); // appends to one partition
        inParallel(client, PARTITIONS / 4, i -> get(base + "/read?partition=training&offset=" + i)); // hot reads
        expectOk(client, get(base + "/records?partition=training&offset=0&max=10"));
        expectOk(client, get(base + "/partitions"));
        expectOk(client, get(base + "/metrics"));
    }

    /** Makes requests 0 .. count-1, {@value #CONCURRENCY} at a time; every one must answer 200. */
    private static void inParallel(HttpClient client, int count, IntFunction<HttpRequest> request) throws InterruptedException {
        AtomicInteger next = new AtomicInteger();
        List<Callable<Void>> senders = Collections.nCopies(CONCURRENCY, () -> {
            for (int i = next.getAndIncrement(); i < count; i = next.getAndIncrement()) {
                expectOk(client, request.apply(i));
            }
            return null;
        });
        try (ExecutorService threads = Executors.newFixedThreadPool(CONCURRENCY)) {
            for (Future<Void> sender : threads.invokeAll(senders)) {
                try {
                    sender.get();
                } catch (ExecutionException e) {
                    throw new IllegalStateException("a training request failed: " + e.getCause(), e.getCause());
                }
            }
        }
    }

    private static HttpRequest publish(String base, String partition, int n) {
        return HttpRequest.newBuilder(URI.create(base + "/publish")).header("Content-Type", "application/json")
                .timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofString("{\"partition_key\":\"" + partition + "\",\"data_type\":0,\"data\":{\"n\":" + n + "}}"))
                .build();
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
