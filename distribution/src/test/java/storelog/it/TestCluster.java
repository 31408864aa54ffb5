package storelog.it;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * Several {@link ImageNode}s on loopback that form one cluster: each with its own gossip and Raft
 * port, all seeded with every node's gossip address, one cluster name and secret. Nodes are started
 * together and are closed (SIGKILL) at the end.
 */
final class TestCluster implements AutoCloseable {

    static final String SECRET = "it-secret";

    private final List<ImageNode> nodes;

    private TestCluster(List<ImageNode> nodes) {
        this.nodes = nodes;
    }

    /**
     * A cluster of {@code size} nodes {@code node1..nodeN} under {@code dir}, with {@code common}
     * settings added to each (e.g. {@code REDIS_ADDR}, {@code LEADER_TTL}, {@code ELECTOR}); not started.
     */
    static TestCluster of(Path dir, int size, Map<String, String> common) {
        int[] gossip = gossipPorts(size);
        int[] raft = freePorts(size);
        String seeds = java.util.Arrays.stream(gossip).mapToObj(p -> "127.0.0.1:" + p).collect(Collectors.joining(","));
        String name = "it-" + Integer.toHexString(dir.toString().hashCode()); // one cluster name per test
        List<ImageNode> nodes = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            Map<String, String> env = new HashMap<>();
            env.put("SERVICE_NAME", name);
            env.put("CLUSTER_SECRET", SECRET);
            env.put("SEEDS", seeds);
            env.put("BIND_ADDR", "127.0.0.1:" + gossip[i]);
            env.put("ADVERTISE_ADDR", "127.0.0.1:" + gossip[i]);
            env.put("RAFT_PORT", Integer.toString(raft[i]));
            env.put("GOSSIP_FAILURE_TIMEOUT_MS", "2000");
            env.putAll(common);
            String id = "node" + (i + 1);
            nodes.add(new ImageNode(id, dir.resolve(id), env));
        }
        return new TestCluster(nodes);
    }

    TestCluster start() {
        nodes.forEach(ImageNode::start);
        nodes.forEach(ImageNode::awaitPort);
        return this;
    }

    List<ImageNode> nodes() {
        return nodes;
    }

    ImageNode node(String id) {
        return nodes.stream().filter(n -> n.id().equals(id)).findFirst().orElseThrow();
    }

    List<ImageNode> others(ImageNode node) {
        return nodes.stream().filter(n -> n != node).toList();
    }

    /** The statuses of the live nodes that answer, by node id. */
    Map<String, JsonNode> statuses() {
        Map<String, JsonNode> all = new HashMap<>();
        for (ImageNode n : nodes) {
            JsonNode s = n.status();
            if (s != null && s.has("role")) {
                all.put(n.id(), s);
            }
        }
        return all;
    }

    /**
     * Waits until every live node among {@code among} agrees on one leader (which says it leads) and
     * returns it.
     */
    ImageNode awaitOneLeader(List<ImageNode> among, Duration within) {
        long deadline = System.nanoTime() + within.toNanos();
        Map<String, JsonNode> last = Map.of();
        while (System.nanoTime() < deadline) {
            last = statuses();
            Optional<String> leader = agreedLeader(among, last);
            if (leader.isPresent()) {
                return node(leader.get());
            }
            pause(50);
        }
        throw new AssertionError("no single leader among " + among + " within " + within + "; statuses: " + last);
    }

    /**
     * Waits until {@code leader}'s {@code /metrics} counts {@code nodes} nodes in sync (itself included):
     * its streams have heard from the followers. Before that an {@code ACKS=all} publish answers 503
     * {@code not_enough_replicas} (nothing stored), as it should.
     */
    void awaitInSync(ImageNode leader, int nodes, Duration within) {
        long deadline = System.nanoTime() + within.toNanos();
        String last = null;
        while (System.nanoTime() < deadline) {
            last = leader.text("/metrics");
            if (last != null && last.lines().anyMatch(l -> l.equals("storelog_replication_in_sync_nodes " + nodes))) {
                return;
            }
            pause(50);
        }
        throw new AssertionError(leader.id() + " did not count " + nodes + " nodes in sync within " + within + "; /metrics: " + last);
    }

    private static Optional<String> agreedLeader(List<ImageNode> among, Map<String, JsonNode> statuses) {
        List<JsonNode> mine = among.stream().map(n -> statuses.get(n.id())).toList();
        if (mine.stream().anyMatch(Objects::isNull)) {
            return Optional.empty();
        }
        List<String> leaders = mine.stream().filter(s -> s.path("role").asText().equals("leader"))
                .filter(s -> !s.path("catching_up").asBoolean(false)) // elected and serving writes
                .map(s -> s.path("node_id").asText()).toList();
        if (leaders.size() != 1) {
            return Optional.empty();
        }
        String leader = leaders.getFirst();
        boolean agreed = mine.stream().allMatch(s -> leader.equals(s.path("leader_id").asText(null)));
        return agreed ? Optional.of(leader) : Optional.empty();
    }

    /** Waits until {@code condition} holds for the statuses of the live nodes. */
    Map<String, JsonNode> await(String what, Duration within, Predicate<Map<String, JsonNode>> condition) {
        long deadline = System.nanoTime() + within.toNanos();
        Map<String, JsonNode> last = Map.of();
        while (System.nanoTime() < deadline) {
            last = statuses();
            if (condition.test(last)) {
                return last;
            }
            pause(50);
        }
        throw new AssertionError(what + " did not happen within " + within + "; statuses: " + last);
    }

    /** Ports handed out in this JVM: never twice, though a node that was stopped gave its port back to the OS. */
    /** The gossip plugin's FD_SOCK2 ports: the gossip port + this .. + this + {@link #FD_PORTS} (GossipStack). */
    private static final int FD_PORT_OFFSET = 100;
    private static final int FD_PORTS = 3;
    private static final java.util.Set<Integer> HANDED_OUT = java.util.concurrent.ConcurrentHashMap.newKeySet();

    /**
     * {@code n} distinct ports that can be bound now, chosen below the kernel's ephemeral range
     * (32768 and up on Linux): a port picked from that range and released could be taken by any
     * process's next ephemeral bind or outgoing connection before its node binds it (seen: a node's
     * HTTP port on port 0 took the Raft port picked for another node).
     */
    static int[] freePorts(int n) {
        int[] ports = new int[n];
        java.util.Random random = new java.util.Random();
        int found = 0;
        for (int attempt = 0; found < n && attempt < 10_000; attempt++) {
            int port = 20_000 + random.nextInt(12_000);
            if (HANDED_OUT.contains(port)) {
                continue;
            }
            try (ServerSocket ignored = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
                // bindable now
            } catch (IOException e) {
                continue; // in use
            }
            if (HANDED_OUT.add(port)) {
                ports[found++] = port;
            }
        }
        if (found < n) {
            throw new UncheckedIOException(new IOException("no " + n + " free ports below the ephemeral range"));
        }
        return ports;
    }

    /**
     * {@code n} ports for gossip ({@code BIND_ADDR}) whose failure-detection ports (FD_SOCK2 listens on
     * the port + 100 .. + 103) are reserved too, so that no port handed out here (a Raft or HTTP port)
     * lands on them (seen: a node's Raft port picked at its own gossip port + 100, "address in use").
     */
    static int[] gossipPorts(int n) {
        int[] ports = new int[n];
        for (int found = 0; found < n; ) {
            int port = freePorts(1)[0];
            boolean reserved = true;
            for (int fd = port + FD_PORT_OFFSET; fd <= port + FD_PORT_OFFSET + FD_PORTS; fd++) {
                reserved &= HANDED_OUT.add(fd); // kept reserved even when this port is not used
            }
            if (reserved) {
                ports[found++] = port;
            }
        }
        return ports;
    }

    static void pause(long millis) {
        try {
            Thread.sleep(millis); // polling interval of a wait on a condition with a deadline, not synchronisation
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        nodes.forEach(ImageNode::close);
    }
}
