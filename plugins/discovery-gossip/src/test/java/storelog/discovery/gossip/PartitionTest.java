package storelog.discovery.gossip;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A network split ({@link Split}): each side goes on alone; when the split ends, the halves merge
 * (MERGE3). With a {@code CLUSTER_SECRET}, as every cluster has one: AUTH checks the merge too.
 */
class PartitionTest {

    private static final String SECRET = "partition-secret";

    private final String cluster = "partition-" + System.nanoTime();
    private final List<TestNode> nodes = new ArrayList<>();
    private TestNode a;
    private TestNode b;
    private TestNode c;

    @BeforeEach
    void threeNodesInOneView() {
        int[] ports = {Ports.free(), Ports.free(), Ports.free()};
        List<String> seeds = TestNode.seeds(ports);
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
        TestNode node = TestNode.start(cluster, id, port, SECRET, () -> seeds);
        nodes.add(node);
        return node;
    }

    @Test
    void whenTheCoordinatorIsCutOffBothSidesGoOnAloneAndMergeOnceTheSplitEnds() throws Exception {
        Split.split(List.of(a), List.of(b, c));

        a.awaitMembers(Set.of("a"));
        b.awaitMembers(Set.of("b", "c"));
        c.awaitMembers(Set.of("b", "c"));

        Split.heal(nodes);

        for (TestNode node : nodes) {
            node.awaitMembers(Set.of("a", "b", "c"));
        }
    }

    @Test
    void whenOneMemberIsCutOffTheMajorityKeepsItsViewAndTakesItBackOnceTheSplitEnds() throws Exception {
        Split.split(List.of(a, b), List.of(c));

        a.awaitMembers(Set.of("a", "b"));
        b.awaitMembers(Set.of("a", "b"));
        c.awaitMembers(Set.of("c"));

        Split.heal(nodes);

        for (TestNode node : nodes) {
            node.awaitMembers(Set.of("a", "b", "c"));
        }
    }
}
