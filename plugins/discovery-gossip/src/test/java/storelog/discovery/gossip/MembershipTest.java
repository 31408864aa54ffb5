package storelog.discovery.gossip;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
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

    @Test
    void threeNodesSeededWithEachOtherSeeThreeMembersEachWithItsOwnHttpAndRaftAddress() {
        int[] ports = {Ports.free(), Ports.free(), Ports.free()};
        List<String> seeds = List.of("127.0.0.1:" + ports[0], "127.0.0.1:" + ports[1], "127.0.0.1:" + ports[2]);

        TestNode a = start("a", ports[0], seeds);
        TestNode b = start("b", ports[1], seeds);
        TestNode c = start("c", ports[2], seeds);

        for (TestNode node : List.of(a, b, c)) {
            node.awaitMembers(Set.of("a", "b", "c"));
            assertThat(node.discovery.members()).containsExactlyInAnyOrder(
                    TestNode.self("a", ports[0]), TestNode.self("b", ports[1]), TestNode.self("c", ports[2]));
        }
        assertThat(a.discovery.members()).extracting(Member::nodeId).as("every node sees the same view order")
                .isEqualTo(b.discovery.members().stream().map(Member::nodeId).toList())
                .isEqualTo(c.discovery.members().stream().map(Member::nodeId).toList());
        assertThat(a.discovery.members().get(1).attributes()).isEqualTo(Map.of(Member.RAFT,
                a.discovery.members().get(1).attribute(Member.RAFT).orElseThrow()));
    }
}
