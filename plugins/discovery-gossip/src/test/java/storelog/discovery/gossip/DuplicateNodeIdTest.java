package storelog.discovery.gossip;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import storelog.api.InvalidSettingException;

/**
 * Two live nodes with one NODE_ID would make every other node see one member where there are two
 * (the leader routing, the Raft group and replication go by node id): the second one's start-up
 * stops with an invalid NODE_ID (exit 2), and the first one keeps running alone, unchanged.
 */
class DuplicateNodeIdTest {

    private static final long TIMEOUT_MS = 500;
    private final String cluster = "duplicate-" + System.nanoTime();

    @Test
    void aSecondLiveNodeWithTheSameNodeIdIsRefusedAtStartNamingNodeId() {
        int first = Ports.free();
        int second = Ports.free();
        List<String> seeds = TestNode.seeds(first, second);
        try (TestNode a = TestNode.start(cluster, "n1", first, null, () -> seeds, TIMEOUT_MS)) {
            long started = System.nanoTime();
            assertThatThrownBy(() -> TestNode.start(cluster, "n1", second, null, () -> seeds, TIMEOUT_MS))
                    .isInstanceOfSatisfying(InvalidSettingException.class, e -> {
                        assertThat(e.name()).isEqualTo("NODE_ID");
                        assertThat(e.getMessage()).doesNotContain("\n").contains("n1").contains("127.0.0.1:" + first);
                    });
            assertThat((System.nanoTime() - started) / 1_000_000).as("refused within a few failure timeouts")
                    .isLessThan(10 * TIMEOUT_MS);
            a.awaitMembers(Set.of("n1"));
            assertThat(a.discovery.members()).containsExactly(TestNode.self("n1", first));
        }
    }
}
