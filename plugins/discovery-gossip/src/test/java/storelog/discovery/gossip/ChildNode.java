package storelog.discovery.gossip;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import storelog.api.spi.Member;
import storelog.testkit.ChildJvm;

/**
 * A {@link NodeMain} in a child JVM (class path: this plugin's classes and tests, JGroups, the SPI), so a
 * test can SIGKILL, SIGSTOP and SIGCONT a real process. Its stderr (the log) goes to a file.
 */
final class ChildNode implements AutoCloseable {

    final String id;
    final Path log;
    private final Process process;
    private final List<String> lines = new ArrayList<>();

    private ChildNode(String id, Path log, Process process) {
        this.id = id;
        this.log = log;
        this.process = process;
        Thread.ofPlatform().daemon().name("child-" + id + "-stdout").start(this::readLines);
    }

    /** Starts a node and waits until it has started (joined, or formed a cluster alone). */
    static ChildNode start(String cluster, String id, int port, String secret, List<String> seeds, Path dir, String... jvmOptions)
            throws IOException {
        return start(cluster, id, port, secret, seeds, TestNode.FAILURE_TIMEOUT_MS, dir, jvmOptions);
    }

    static ChildNode start(String cluster, String id, int port, String secret, List<String> seeds, long failureTimeoutMillis,
                           Path dir, String... jvmOptions) throws IOException {
        Path log = dir.resolve(id + "-" + System.nanoTime() + ".log");
        List<String> command = new ArrayList<>(List.of(ChildJvm.java(), "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx96m"));
        command.addAll(List.of(jvmOptions));
        command.addAll(List.of("-cp", ChildJvm.classPath(GossipDiscovery.class, NodeMain.class, org.jgroups.JChannel.class, Member.class), NodeMain.class.getName(), cluster, id, Integer.toString(port),
                secret == null ? "-" : secret, String.join(",", seeds), Long.toString(failureTimeoutMillis)));
        Process process = new ProcessBuilder(command).redirectError(log.toFile()).start();
        ChildNode node = new ChildNode(id, log, process);
        node.await(line -> line.equals("STARTED") || line.startsWith("FAILED"), Duration.ofSeconds(30));
        return node;
    }

    private void readLines() {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = in.readLine()) != null; ) {
                synchronized (lines) {
                    lines.add(line);
                }
            }
        } catch (IOException e) {
            // the process was killed
        }
    }

    List<String> lines() {
        synchronized (lines) {
            return List.copyOf(lines);
        }
    }

    /** The member ids of the last MEMBERS line, in order; empty before the first. */
    List<String> members() {
        return lines().stream().filter(line -> line.startsWith("MEMBERS ")).reduce((first, second) -> second)
                .map(line -> List.of(line.substring("MEMBERS ".length()).split(","))).orElse(List.of());
    }

    /** Waits until a line matching {@code condition} was printed; returns how long that took. */
    Duration await(Predicate<String> condition, Duration within) {
        return Eventually.within(within, "child " + id + " prints a matching line", () -> lines().stream().anyMatch(condition),
                this::lines);
    }

    /** Waits until the child's member ids are exactly {@code ids} (in any order). */
    Duration awaitMembers(java.util.Set<String> ids) {
        return Eventually.within(TestNode.VIEW_DEADLINE, "child " + id + " sees exactly " + ids,
                () -> java.util.Set.copyOf(members()).equals(ids) && members().size() == ids.size(), this::members);
    }

    /** SIGKILL: the process ends at once, no goodbye to the cluster. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            throw new AssertionError("child " + id + " survived SIGKILL");
        }
    }

    /** SIGSTOP: the process freezes, its sockets stay open. */
    void pause() throws IOException, InterruptedException {
        signal("STOP");
    }

    /** SIGCONT after {@link #pause()}. */
    void resume() throws IOException, InterruptedException {
        signal("CONT");
    }

    private void signal(String name) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).inheritIO().start();
        if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
            throw new AssertionError("kill -" + name + " " + process.pid() + " failed");
        }
    }

    /** Asks the child to close and exit; kills it when it does not within 20 s. */
    @Override
    public void close() {
        try {
            if (process.isAlive()) {
                signal("CONT");
                try (OutputStream in = process.getOutputStream()) {
                    in.write("close\n".getBytes(StandardCharsets.UTF_8));
                } catch (IOException e) {
                    // it ended meanwhile
                }
                if (!process.waitFor(20, TimeUnit.SECONDS)) {
                    kill();
                    throw new AssertionError("child " + id + " did not exit within 20 s of close");
                }
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
            throw new AssertionError("interrupted while closing child " + id, e);
        }
    }

    boolean exitedCleanly() {
        return !process.isAlive() && process.exitValue() == 0;
    }
}
