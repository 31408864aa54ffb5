package storelog.discovery.gossip;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.jgroups.JChannel;
import org.jgroups.protocols.DISCARD;
import org.jgroups.protocols.TCP;
import org.jgroups.stack.ProtocolStack;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A network split, made in the test JVM by JGroups' DISCARD protocol slipped in above the transport
 * of each node (this kernel has no netem): each side drops everything the other side sends. When the
 * split ends, the halves merge (MERGE3).
 */
class PartitionTest {

    private final String cluster = "partition-" + System.nanoTime();
    private final List<TestNode> nodes = new ArrayList<>();
    private TestNode a;
    private TestNode b;
    private TestNode c;

    @BeforeEach
    void threeNodesInOneView() {
        int[] ports = {Ports.free(), Ports.free(), Ports.free()};
        List<String> seeds = List.of("127.0.0.1:" + ports[0], "127.0.0.1:" + ports[1], "127.0.0.1:" + ports[2]);
        a = start("a", ports[0], seeds);
        b = start("b", ports[1], seeds);
        c = start("c", ports[2], seeds);
        for (TestNode node : nodes) {
            node.awaitMembers(Set.of("a", "b", "c"));
        }
        assertThat(a.discovery.members().getFirst().nodeId()).as("the coordinator").isEqualTo("a");
    }

    @AfterEach
    void closeNodes() {
        nodes.forEach(TestNode::close);
    }

    private TestNode start(String id, int port, List<String> seeds) {
        TestNode node = TestNode.start(cluster, id, port, seeds);
        nodes.add(node);
        return node;
    }

    @Test
    void whenTheCoordinatorIsCutOffBothSidesGoOnAloneAndMergeOnceTheSplitEnds() throws Exception {
        split(List.of(a), List.of(b, c));

        a.awaitMembers(Set.of("a"));
        b.awaitMembers(Set.of("b", "c"));
        c.awaitMembers(Set.of("b", "c"));

        heal();

        for (TestNode node : nodes) {
            node.awaitMembers(Set.of("a", "b", "c"));
        }
    }

    @Test
    void whenOneMemberIsCutOffTheMajorityKeepsItsViewAndTakesItBackOnceTheSplitEnds() throws Exception {
        split(List.of(a, b), List.of(c));

        a.awaitMembers(Set.of("a", "b"));
        b.awaitMembers(Set.of("a", "b"));
        c.awaitMembers(Set.of("c"));

        heal();

        for (TestNode node : nodes) {
            node.awaitMembers(Set.of("a", "b", "c"));
        }
    }

    /** Every node of each side drops all messages from every node of the other. */
    private static void split(List<TestNode> left, List<TestNode> right) throws Exception {
        for (TestNode node : left) {
            discard(node).addIgnoredMembers(addresses(right));
        }
        for (TestNode node : right) {
            discard(node).addIgnoredMembers(addresses(left));
        }
    }

    private void heal() throws Exception {
        for (TestNode node : nodes) {
            discard(node).resetIgnoredMembers();
        }
    }

    private static org.jgroups.Address[] addresses(List<TestNode> nodes) {
        return nodes.stream().map(node -> node.discovery.channel().getAddress()).toArray(org.jgroups.Address[]::new);
    }

    /** The node's DISCARD, slipped in above the transport on first use. */
    private static DISCARD discard(TestNode node) throws Exception {
        JChannel channel = node.discovery.channel();
        ProtocolStack stack = channel.getProtocolStack();
        if (stack.findProtocol(DISCARD.class) instanceof DISCARD existing) {
            return existing;
        }
        DISCARD discard = new DISCARD();
        stack.insertProtocol(discard, ProtocolStack.Position.ABOVE, TCP.class);
        discard.init();
        discard.start();
        return discard;
    }
}
