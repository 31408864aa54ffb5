package storelog.discovery.gossip;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import storelog.api.Settings;
import storelog.api.spi.DiscoveryContext;
import storelog.api.spi.Member;

/**
 * A gossip node in the test JVM on 127.0.0.1 with a short failure timeout: its HTTP address is
 * {@code 127.0.0.1:<port + 1>} and its Raft address {@code 127.0.0.1:<port + 2>}, so tests can tell
 * that every member carries its own.
 */
final class TestNode implements AutoCloseable {

    static final long FAILURE_TIMEOUT_MS = 1000;
    /** Ample time for a view change with {@link #FAILURE_TIMEOUT_MS} on a loaded 2-core machine. */
    static final Duration VIEW_DEADLINE = Duration.ofSeconds(20);

    final String id;
    final int port;
    final GossipDiscovery discovery;
    final Recorder recorder = new Recorder();

    private TestNode(String id, int port, GossipDiscovery discovery) {
        this.id = id;
        this.port = port;
        this.discovery = discovery;
    }

    /** The settings of a node of {@code cluster} on {@code port}; {@code secret} may be null. */
    static Map<String, String> settings(String cluster, int port, String secret) {
        return settings(cluster, port, secret, FAILURE_TIMEOUT_MS);
    }

    static Map<String, String> settings(String cluster, int port, String secret, long failureTimeoutMillis) {
        Map<String, String> settings = new HashMap<>(Map.of(
                GossipConfig.BIND_ADDR, "127.0.0.1:" + port,
                GossipConfig.ADVERTISE_ADDR, "127.0.0.1:" + port,
                GossipConfig.SERVICE_NAME, cluster,
                GossipConfig.FAILURE_TIMEOUT_MS, Long.toString(failureTimeoutMillis)));
        if (secret != null) {
            settings.put(GossipConfig.CLUSTER_SECRET, secret);
        }
        return settings;
    }

    static Member self(String id, int port) {
        return new Member(id, "127.0.0.1:" + (port + 1), Map.of(Member.RAFT, "127.0.0.1:" + (port + 2)));
    }

    /** Starts a node; it is not started when this throws. */
    static TestNode start(String cluster, String id, int port, String secret, Supplier<List<String>> seeds) {
        return start(cluster, id, port, secret, seeds, FAILURE_TIMEOUT_MS);
    }

    static TestNode start(String cluster, String id, int port, String secret, Supplier<List<String>> seeds,
                          long failureTimeoutMillis) {
        return start(cluster, id, port, seeds, settings(cluster, port, secret, failureTimeoutMillis));
    }

    /** Starts a node with {@code settings} (those of {@link #settings} and more). */
    static TestNode start(String cluster, String id, int port, Supplier<List<String>> seeds, Map<String, String> settings) {
        GossipDiscovery discovery = (GossipDiscovery) new GossipDiscoveryProvider().open(Settings.of(settings));
        TestNode node = new TestNode(id, port, discovery);
        discovery.start(new DiscoveryContext(self(id, port), seeds), node.recorder);
        return node;
    }

    static TestNode start(String cluster, String id, int port, List<String> seeds) {
        return start(cluster, id, port, null, () -> seeds);
    }

    /** {@code 127.0.0.1:<port>} for each port: seeds naming those nodes. */
    static List<String> seeds(int... ports) {
        return java.util.Arrays.stream(ports).mapToObj(port -> "127.0.0.1:" + port).toList();
    }

    String address() {
        return "127.0.0.1:" + port;
    }

    Set<String> ids() {
        return discovery.members().stream().map(Member::nodeId).collect(java.util.stream.Collectors.toSet());
    }

    /** Waits until both members() and the listener's last list hold exactly {@code ids}; returns how long. */
    Duration awaitMembers(Set<String> ids) {
        return Eventually.within(VIEW_DEADLINE, id + " sees exactly " + ids,
                () -> ids().equals(ids) && recorder.lastIds().equals(ids), () -> "members " + ids() + ", listener " + recorder.lastIds());
    }

    @Override
    public void close() {
        discovery.close();
    }
}
