package storelog.discovery.gossip;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import storelog.api.Settings;
import storelog.api.spi.Discovery;
import storelog.api.spi.DiscoveryContext;
import storelog.api.spi.Member;

/** Several gossip nodes in this JVM on 127.0.0.1: who sees whom, with which addresses. */
class MembershipTest {

    private final String cluster = "membership-" + System.nanoTime();
    private final List<TestNode> nodes = new java.util.ArrayList<>();

    @AfterEach
    void closeNodes() {
        nodes.forEach(TestNode::close);
    }

    private TestNode start(String id, int port, List<String> seeds) {
        TestNode node = TestNode.start(cluster, id, port, seeds);
        nodes.add(node);
        return node;
    }

    /** Starts a, b and c on {@code ports}, each seeded with all three, and waits until each sees all three. */
    private List<TestNode> threeNodesSeededWithEachOther(int[] ports) {
        List<String> seeds = TestNode.seeds(ports);
        List<TestNode> three = List.of(start("a", ports[0], seeds), start("b", ports[1], seeds), start("c", ports[2], seeds));
        three.forEach(node -> node.awaitMembers(Set.of("a", "b", "c")));
        return three;
    }

    @Test
    void threeNodesSeededWithEachOtherSeeThreeMembersEachWithItsOwnHttpAndRaftAddress() {
        int[] ports = {Ports.free(), Ports.free(), Ports.free()};

        List<TestNode> three = threeNodesSeededWithEachOther(ports);

        TestNode a = three.get(0);
        TestNode b = three.get(1);
        TestNode c = three.get(2);
        for (TestNode node : three) {
            assertThat(node.discovery.members()).containsExactlyInAnyOrder(
                    TestNode.self("a", ports[0]), TestNode.self("b", ports[1]), TestNode.self("c", ports[2]));
        }
        assertThat(a.discovery.members()).extracting(Member::nodeId).as("every node sees the same view order")
                .isEqualTo(b.discovery.members().stream().map(Member::nodeId).toList())
                .isEqualTo(c.discovery.members().stream().map(Member::nodeId).toList());
        assertThat(a.discovery.members().get(1).attributes()).isEqualTo(Map.of(Member.RAFT,
                a.discovery.members().get(1).attribute(Member.RAFT).orElseThrow()));
    }

    @Test
    void aNodeSeededWithOnlyOneMemberThatIsNotTheCoordinatorJoinsThemAll() {
        int[] ports = {Ports.free(), Ports.free(), Ports.free()};
        TestNode a = start("a", ports[0], List.of());
        TestNode b = start("b", ports[1], List.of("127.0.0.1:" + ports[0]));
        b.awaitMembers(Set.of("a", "b"));
        assertThat(a.discovery.members().getFirst().nodeId()).as("the coordinator").isEqualTo("a");

        TestNode c = start("c", ports[2], List.of("127.0.0.1:" + ports[1]));

        for (TestNode node : List.of(a, b, c)) {
            node.awaitMembers(Set.of("a", "b", "c"));
        }
        assertThat(c.recorder.deliveries()).as("c joined the cluster, it did not start alone and merge")
                .first().satisfies(first -> assertThat(first.ids()).containsExactlyInAnyOrder("a", "b", "c"));
    }

    @Test
    void theListenerGetsEveryChangeInOrderEachTheWholeListOnOneThreadOfThePlugin() {
        int[] ports = {Ports.free(), Ports.free(), Ports.free()};
        List<String> seeds = List.of("127.0.0.1:" + ports[0]);
        TestNode a = start("a", ports[0], seeds);
        start("b", ports[1], seeds).awaitMembers(Set.of("a", "b"));
        a.awaitMembers(Set.of("a", "b"));
        TestNode c = start("c", ports[2], seeds);
        a.awaitMembers(Set.of("a", "b", "c"));

        c.close();
        nodes.remove(c);
        a.awaitMembers(Set.of("a", "b"));

        assertThat(a.recorder.deliveries()).extracting(Recorder.Delivery::ids)
                .containsExactly(Set.of("a"), Set.of("a", "b"), Set.of("a", "b", "c"), Set.of("a", "b"));
        assertThat(a.recorder.deliveries()).extracting(Recorder.Delivery::thread).containsOnly(a.recorder.deliveries().getFirst().thread());
        assertThat(a.recorder.deliveries().getFirst().thread().getName()).isEqualTo("gossip-members-a");
    }

    @Test
    void aListenerThatBlocksHoldsUpNeitherTheViewNorTheOtherNodes() throws Exception {
        int[] ports = {Ports.free(), Ports.free()};
        List<String> seeds = List.of("127.0.0.1:" + ports[0], "127.0.0.1:" + ports[1]);
        CountDownLatch release = new CountDownLatch(1);
        Recorder after = new Recorder();
        GossipDiscovery blocked = (GossipDiscovery) new GossipDiscoveryProvider()
                .open(Settings.of(TestNode.settings(cluster, ports[0], null)));
        try {
            blocked.start(new DiscoveryContext(TestNode.self("a", ports[0]), () -> seeds), members -> {
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                after.onMembers(members);
            });

            TestNode b = start("b", ports[1], seeds);

            b.awaitMembers(Set.of("a", "b"));
            Eventually.within(TestNode.VIEW_DEADLINE, "a's members() shows b while its listener is blocked",
                    () -> blocked.members().size() == 2, blocked::members);
            release.countDown();
            Eventually.within(TestNode.VIEW_DEADLINE, "the blocked listener catches up", () -> after.lastIds().equals(Set.of("a", "b")),
                    after::deliveries);
            assertThat(after.deliveries()).extracting(Recorder.Delivery::ids).containsExactly(Set.of("a"), Set.of("a", "b"));
        } finally {
            release.countDown();
            blocked.close();
        }
    }

    @Test
    void aListenerThatThrowsKeepsGettingTheNextLists() {
        int[] ports = {Ports.free(), Ports.free()};
        List<String> seeds = List.of("127.0.0.1:" + ports[0], "127.0.0.1:" + ports[1]);
        Recorder seen = new Recorder();
        Discovery failing = new GossipDiscoveryProvider().open(Settings.of(TestNode.settings(cluster, ports[0], null)));
        try {
            failing.start(new DiscoveryContext(TestNode.self("a", ports[0]), () -> seeds), members -> {
                seen.onMembers(members);
                throw new IllegalStateException("listener failure for the test");
            });
            start("b", ports[1], seeds);

            Eventually.within(TestNode.VIEW_DEADLINE, "the listener gets the second list", () -> seen.deliveries().size() == 2,
                    seen::deliveries);
        } finally {
            failing.close();
        }
    }

    @Test
    void aNodeThatClosesLeavesTheOtherViewsWithoutWaitingForFailureDetection() {
        List<TestNode> three = threeNodesSeededWithEachOther(new int[] {Ports.free(), Ports.free(), Ports.free()});
        TestNode a = three.get(0);
        TestNode b = three.get(1);
        TestNode c = three.get(2);

        long closing = System.nanoTime();
        a.close();
        nodes.remove(a);

        b.awaitMembers(Set.of("b", "c"));
        c.awaitMembers(Set.of("b", "c"));
        long seen = Math.max(b.recorder.firstNanos(Set.of("b", "c"), closing), c.recorder.firstNanos(Set.of("b", "c"), closing));
        assertThat(Duration.ofNanos(seen - closing)).as("the coordinator left: a graceful leave, not a suspicion")
                .isLessThan(Duration.ofMillis(TestNode.FAILURE_TIMEOUT_MS));
    }

    /**
     * ADVERTISE_ADDR differs from BIND_ADDR (a port mapping, as Docker or a NAT makes): the others
     * reach the node at the advertised address, and failure detection at the advertised port + 100.
     */
    @Test
    void aNodeBehindAPortMappingIsReachedAtItsAdvertisedAddress() throws Exception {
        int bound = Ports.free();
        int advertised = Ports.free();
        int other = Ports.free();
        Map<String, String> settings = new java.util.HashMap<>(TestNode.settings(cluster, bound, null));
        settings.put(GossipConfig.ADVERTISE_ADDR, "127.0.0.1:" + advertised);
        GossipDiscovery mapped = (GossipDiscovery) new GossipDiscoveryProvider().open(Settings.of(settings));
        try (PortForward forward = new PortForward(advertised, bound)) {
            mapped.start(new DiscoveryContext(TestNode.self("a", bound), () -> List.of("127.0.0.1:" + other)), members -> { });
            TestNode b = start("b", other, List.of("127.0.0.1:" + advertised));

            b.awaitMembers(Set.of("a", "b"));
            Eventually.within(TestNode.VIEW_DEADLINE, "a sees b", () -> mapped.members().size() == 2, mapped::members);
            Object physical = b.discovery.channel().down(new org.jgroups.Event(org.jgroups.Event.GET_PHYSICAL_ADDRESS,
                    mapped.channel().getAddress()));
            assertThat(physical).hasToString("127.0.0.1:" + advertised);
            assertThat(forward.accepted()).isPositive();
        } finally {
            mapped.close();
        }
    }
}
