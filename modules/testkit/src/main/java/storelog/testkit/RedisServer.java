package storelog.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * A private {@code redis-server} for one test, on a free loopback port, without persistence
 * ({@code --save "" --appendonly no}): so a test may stop, kill, pause or restart it without
 * touching the shared Redis on 6379. A restart comes back on the same port <em>without its
 * data</em>, like a Redis without persistence that crashed.
 *
 * <p>Its log is {@code redis.log} in the directory given to {@link #start(Path)} (a test-data folder).
 * {@link #close()} kills it (also when paused); a JVM shutdown hook kills a server a test forgot.
 * Not thread-safe: one test thread drives it.
 */
public final class RedisServer implements AutoCloseable {

    private static final Duration READY_WITHIN = Duration.ofSeconds(10);
    private static final Duration POLL_EVERY = Duration.ofMillis(10);
    private static final int PORT_ATTEMPTS = 5;

    private final Path directory;
    private final int port;
    private final List<String> options;
    private Process process;
    private boolean paused;

    private RedisServer(Path directory, int port, List<String> options) {
        this.directory = directory;
        this.port = port;
        this.options = options;
    }

    /**
     * Starts a server on a free port, writing its log into {@code directory}, with extra command-line
     * {@code options} (e.g. {@code "--requirepass", "secret"}); returns once it answers PING (the
     * {@code -NOAUTH} answer of a password-protected server counts).
     */
    public static RedisServer start(Path directory, String... options) {
        IllegalStateException failure = null;
        for (int attempt = 0; attempt < PORT_ATTEMPTS; attempt++) {
            RedisServer server = new RedisServer(directory, freePort(), List.of(options));
            try {
                server.launch();
                return server;
            } catch (IllegalStateException e) { // the port was taken between probing and binding
                server.close();
                failure = e;
            }
        }
        throw failure;
    }

    /** Its port on 127.0.0.1. */
    public int port() {
        return port;
    }

    /** {@code 127.0.0.1:<port>}, as {@code REDIS_ADDR} takes it. */
    public String address() {
        return "127.0.0.1:" + port;
    }

    /** Whether the process is alive (a paused one is alive). */
    public boolean running() {
        return process != null && process.isAlive();
    }

    /** SIGKILL: a crash. Returns once the process is gone. */
    public void kill() {
        if (process != null) {
            resume();
            process.destroyForcibly();
            awaitExit();
        }
    }

    /** SIGTERM: a clean stop (it saves nothing: persistence is off). Returns once the process is gone. */
    public void stop() {
        if (process != null) {
            resume();
            process.destroy();
            awaitExit();
        }
    }

    /** SIGSTOP: the server hangs; connections stay open and commands get no answer. */
    public void pause() {
        signal("-STOP");
        paused = true;
    }

    /** SIGCONT after {@link #pause()}. */
    public void resume() {
        if (paused && running()) {
            signal("-CONT");
        }
        paused = false;
    }

    /** Kills the server (if running) and starts a new one on the same port, with no data. */
    public void restart() {
        kill();
        launch();
    }

    @Override
    public void close() {
        kill();
    }

    private void launch() {
        List<String> command = new ArrayList<>(List.of("redis-server", "--port", Integer.toString(port), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "no", "--dir", directory.toString()));
        command.addAll(options);
        try {
            java.nio.file.Files.createDirectories(directory);
            process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(directory.resolve("redis.log").toFile())).start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run redis-server in " + directory + " (is it installed?): " + e.getMessage(), e);
        }
        Process started = process;
        Runtime.getRuntime().addShutdownHook(new Thread(started::destroyForcibly));
        long deadline = System.nanoTime() + READY_WITHIN.toNanos();
        while (!answersPing()) {
            if (!process.isAlive() || System.nanoTime() > deadline) {
                throw new IllegalStateException("redis-server on port " + port + " did not start; see "
                        + directory.resolve("redis.log"));
            }
            LockSupport.parkNanos(POLL_EVERY.toNanos()); // polling with a deadline, not a sleep as synchronisation
        }
    }

    private boolean answersPing() {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
            socket.setSoTimeout(500);
            OutputStream out = socket.getOutputStream();
            out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            String reply = new String(in.readNBytes(7), StandardCharsets.US_ASCII);
            return reply.equals("+PONG\r\n") || reply.startsWith("-NOAUTH");
        } catch (IOException e) {
            return false;
        }
    }

    private void signal(String signal) {
        if (!running()) {
            throw new IllegalStateException("redis-server on port " + port + " is not running");
        }
        try {
            Process kill = new ProcessBuilder("kill", signal, Long.toString(process.pid())).inheritIO().start();
            if (!kill.waitFor(5, TimeUnit.SECONDS) || kill.exitValue() != 0) {
                throw new IllegalStateException("kill " + signal + " " + process.pid() + " failed");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private void awaitExit() {
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                throw new IllegalStateException("redis-server on port " + port + " did not exit");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
