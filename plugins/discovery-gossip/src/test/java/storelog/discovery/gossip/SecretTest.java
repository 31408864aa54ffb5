package storelog.discovery.gossip;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.jgroups.JChannel;
import org.jgroups.stack.IpAddress;
import org.jgroups.stack.Protocol;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;
import storelog.api.Settings;

/**
 * {@code CLUSTER_SECRET}: nodes with different secrets (or one without) never form one view, in
 * whichever order they start; an outsider with another secret, or none, runs alone (it cannot tell
 * that it is the odd one out), and never locks out the right ones.
 */
class SecretTest {

    private static final String SECRET = "the right secret";
    private static final String OTHER = "another secret";
    /** Messages a refused node must have dropped before the test concludes it stays out: several merge rounds. */
    private static final long REFUSALS = 4;

    private final String cluster = "secret-" + System.nanoTime();
    private final List<TestNode> nodes = new ArrayList<>();
    private final int[] ports = {Ports.free(), Ports.free(), Ports.free()};
    private final List<String> seeds = TestNode.seeds(ports);

    @AfterEach
    void closeNodes() {
        nodes.forEach(TestNode::close);
    }

    private TestNode start(String id, int port, String secret) {
        TestNode node = TestNode.start(cluster, id, port, secret, () -> seeds);
        nodes.add(node);
        return node;
    }

    private static long refusals(TestNode node) {
        return node.discovery.channel().getProtocolStack().findProtocol(PeerFilter.class) instanceof PeerFilter filter
                ? filter.refused() : -1;
    }

    /** Waits until {@code outsider} and every one of {@code insiders} have dropped several of each other's messages. */
    private static void awaitMutualRefusals(TestNode outsider, TestNode... insiders) {
        for (TestNode node : concat(outsider, insiders)) {
            Eventually.within(TestNode.VIEW_DEADLINE, node.id + " drops " + REFUSALS + " messages of the other secret",
                    () -> refusals(node) >= REFUSALS, () -> refusals(node));
        }
    }

    private static List<TestNode> concat(TestNode first, TestNode... rest) {
        List<TestNode> all = new ArrayList<>(List.of(first));
        all.addAll(List.of(rest));
        return all;
    }

    private static void assertNeverSaw(TestNode node, String id) {
        assertThat(node.recorder.deliveries()).as("%s never sees %s", node.id, id)
                .noneSatisfy(delivery -> assertThat(delivery.ids()).contains(id));
    }

    /** The outsider has another secret (null: none), the others {@link #SECRET}. */
    @ParameterizedTest(name = "outsider''s secret: {0}")
    @NullSource
    @ValueSource(strings = OTHER)
    void anOutsiderStartsAloneAndNeverJoinsTheRunningCluster(String outsiderSecret) {
        TestNode a = start("a", ports[0], SECRET);
        TestNode b = start("b", ports[1], SECRET);
        a.awaitMembers(Set.of("a", "b"));

        TestNode outsider = start("outsider", ports[2], outsiderSecret);

        assertThat(outsider.ids()).containsExactly("outsider");
        awaitStaysApart(outsider, a, b);
    }

    @ParameterizedTest(name = "outsider''s secret: {0}")
    @NullSource
    @ValueSource(strings = OTHER)
    void anOutsiderThatStartsFirstDoesNotLockOutTheRightOnes(String outsiderSecret) {
        TestNode outsider = start("outsider", ports[0], outsiderSecret);

        TestNode a = start("a", ports[1], SECRET);
        TestNode b = start("b", ports[2], SECRET);

        a.awaitMembers(Set.of("a", "b"));
        b.awaitMembers(Set.of("a", "b"));
        awaitStaysApart(outsider, a, b);
    }

    /**
     * Waits until the outsider and a, b have dropped several of each other's messages (merge rounds),
     * then checks that none of them ever saw the other side.
     */
    private static void awaitStaysApart(TestNode outsider, TestNode a, TestNode b) {
        awaitMutualRefusals(outsider, a, b);
        assertThat(outsider.ids()).containsExactly("outsider");
        assertThat(a.ids()).containsExactlyInAnyOrder("a", "b");
        assertThat(b.ids()).containsExactlyInAnyOrder("a", "b");
        assertNeverSaw(a, "outsider");
        assertNeverSaw(b, "outsider");
        assertNeverSaw(outsider, "a");
        assertNeverSaw(outsider, "b");
    }

    @Test
    void nodesWithTheSameSecretFormOneView() {
        TestNode a = start("a", ports[0], SECRET);
        TestNode b = start("b", ports[1], SECRET);
        TestNode c = start("c", ports[2], SECRET);

        for (TestNode node : List.of(a, b, c)) {
            node.awaitMembers(Set.of("a", "b", "c"));
        }
        assertThat(refusals(a) + refusals(b) + refusals(c)).isZero();
    }

    /**
     * JGroups' AUTH with {@link SecretToken}, the check below the filter's: between stacks without the
     * filter, the coordinator refuses a joiner with another secret (connect() fails with
     * SecurityException) and admits one with the same secret.
     */
    @Test
    void withoutTheFilterAuthStillRefusesAJoinerWithAnotherSecret() throws Exception {
        try (JChannel coordinator = unfiltered("coordinator", ports[0], SECRET, ports[0])) {
            coordinator.connect(cluster);

            try (JChannel intruder = unfiltered("intruder", ports[1], OTHER, ports[0])) {
                assertThatThrownBy(() -> intruder.connect(cluster)).isInstanceOf(SecurityException.class);
            }
            try (JChannel friend = unfiltered("friend", ports[2], SECRET, ports[0])) {
                friend.connect(cluster);
                assertThat(friend.getView().getMembers()).hasSize(2);
            }
        }
    }

    /** A channel with the plugin's stack minus the filter, seeded with {@code seedPort}, not connected. */
    private JChannel unfiltered(String id, int port, String secret, int seedPort) throws Exception {
        GossipConfig config = GossipConfig.from(Settings.of(TestNode.settings(cluster, port, secret)));
        SeedPing discovery = new SeedPing(List.of(new IpAddress("127.0.0.1", seedPort)));
        List<Protocol> stack = new ArrayList<>(GossipStack.protocols(config, id, discovery));
        assertThat(stack.removeIf(PeerFilter.class::isInstance)).isTrue();
        JGroupsLogging.install();
        JChannel channel = new JChannel(stack).name(id);
        channel.addAddressGenerator(() -> MemberAddress.create(TestNode.self(id, port), 1, config.secret()));
        return channel;
    }
}
