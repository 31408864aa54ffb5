package storelog.elector.raft;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import storelog.api.spi.Leadership;
import storelog.api.spi.Member;

/**
 * Several raft electors in this JVM on loopback ports, with a members view the test sets (discovery's
 * part) and every node's state under one test-data directory.
 */
final class Cluster implements AutoCloseable {

    /** Short times for tests (docs: lease and failure detection of 1–2 s). */
    static final Map<String, String> FAST = Map.of("LEADER_TTL", "1000", "RAFT_REMOVE_AFTER_MS", "2000");

    final List<Node> nodes = new ArrayList<>();
    final List<Member> view = new CopyOnWriteArrayList<>();
    private final Path directory;
    private final Map<String, String> settings;
    private final int slot;
    private final int slots;
    final List<String> seeds = new CopyOnWriteArrayList<>();

    Cluster(Path directory, Map<String, String> settings, int slot, int slots) {
        this.directory = directory;
        this.settings = new HashMap<>(settings);
        this.slot = slot;
        this.slots = slots;
    }

    /** Adds nodes {@code n1..nN} on free ports, in the view, each a seed; none started. */
    Cluster withNodes(int count) {
        for (int i = 0; i < count; i++) {
            add(true);
        }
        return this;
    }

    /** A new node, not started; in the view (as discovery would show it) and, when {@code seed}, among the seeds. */
    Node add(boolean seed) {
        String id = "n" + (nodes.size() + 1);
        Node node = new Node(id, freePort(), directory.resolve(id), settings, () -> List.copyOf(view), () -> List.copyOf(seeds), slot, slots);
        nodes.add(node);
        view.add(node.member());
        if (seed) {
            seeds.add("127.0.0.1:" + (7800 + nodes.size()));
        }
        return node;
    }

    Node node(String id) {
        return nodes.stream().filter(n -> n.id.equals(id)).findFirst().orElseThrow();
    }

    Cluster startAll() {
        nodes.forEach(Node::start);
        return this;
    }

    void setEarlierUsable(boolean usable) {
        nodes.forEach(n -> n.earlierUsable.set(usable));
    }

    /** The one node that reports LEADER now, if exactly one does. */
    Optional<Node> leader() {
        List<Node> leaders = nodes.stream().filter(Node::running).filter(Node::isLeader).toList();
        return leaders.size() == 1 ? Optional.of(leaders.getFirst()) : Optional.empty();
    }

    List<Node> leaders() {
        return nodes.stream().filter(Node::running).filter(Node::isLeader).toList();
    }

    /** Waits for exactly one leader that every running node follows, and returns it. */
    Node awaitAgreedLeader(Duration within) {
        await("one leader that every running node follows", within, () -> leader().filter(l -> nodes.stream().filter(Node::running)
                .allMatch(n -> n == l || n.leadership().role() == Leadership.Role.FOLLOWER
                        && n.leadership().leaderId().equals(Optional.of(l.id)) && n.leadership().epoch() == l.leadership().epoch())).isPresent());
        return leader().orElseThrow();
    }

    static void await(String what, Duration within, BooleanSupplier condition) {
        long deadline = System.nanoTime() + within.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("not within " + within.toMillis() + " ms: " + what);
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    static <T> T await(String what, Duration within, Supplier<Optional<T>> value) {
        Object[] found = new Object[1];
        await(what, within, () -> value.get().map(v -> found[0] = v).isPresent());
        @SuppressWarnings("unchecked")
        T t = (T) found[0];
        return t;
    }

    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        nodes.parallelStream().forEach(Node::close);
    }
}
