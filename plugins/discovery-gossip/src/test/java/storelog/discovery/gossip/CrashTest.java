package storelog.discovery.gossip;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import storelog.api.spi.Member;
import storelog.testkit.TestData;

/**
 * Real process failures: node c runs in a child JVM that the test kills (SIGKILL) or freezes
 * (SIGSTOP); a and b run in the test JVM. Failure timeout {@value TestNode#FAILURE_TIMEOUT_MS} ms; a
 * {@code CLUSTER_SECRET}, as every cluster has one (AUTH checks joins and merges).
 */
class CrashTest {

    private static final String SECRET = "crash-secret";

    /** "Within a few seconds": the failure timeout plus verification, with room for a loaded machine. */
    private static final Duration FEW_SECONDS = Duration.ofSeconds(6);

    private final String cluster = "crash-" + System.nanoTime();
    private final int[] ports = {Ports.free(), Ports.free(), Ports.free()};
    private final List<String> seeds = TestNode.seeds(ports);
    private final List<AutoCloseable> running = new ArrayList<>();
    private Path dir;

    @BeforeEach
    void directory(TestInfo test) {
        dir = TestData.directory(test);
    }

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable node : running.reversed()) {
            node.close();
        }
    }

    private ChildNode child(String id, int port) throws Exception {
        ChildNode node = ChildNode.start(cluster, id, port, SECRET, seeds, dir);
        running.add(node);
        return node;
    }

    private TestNode node(String id, int port) {
        TestNode node = TestNode.start(cluster, id, port, SECRET, () -> seeds);
        running.add(node);
        return node;
    }

    private static void awaitThree(TestNode a, TestNode b, ChildNode c) {
        a.awaitMembers(Set.of("a", "b", "c"));
        b.awaitMembers(Set.of("a", "b", "c"));
        c.awaitMembers(Set.of("a", "b", "c"));
    }

    @Test
    void aKilledCoordinatorLeavesTheViewsWithinSecondsAndItsRestartRejoinsListedOnce() throws Exception {
        ChildNode c = child("c", ports[2]);
        TestNode a = node("a", ports[0]);
        TestNode b = node("b", ports[1]);
        awaitThree(a, b, c);
        assertThat(a.discovery.members().getFirst().nodeId()).as("the coordinator").isEqualTo("c");

        c.kill();

        assertThat(a.awaitMembers(Set.of("a", "b"))).isLessThan(FEW_SECONDS);
        assertThat(b.awaitMembers(Set.of("a", "b"))).isLessThan(FEW_SECONDS);

        ChildNode again = child("c", ports[2]);

        awaitThree(a, b, again);
        assertThat(a.discovery.members()).contains(TestNode.self("c", ports[2]));
        for (TestNode node : List.of(a, b)) {
            assertThat(node.recorder.deliveries()).as("%s never lists a node twice", node.id)
                    .allSatisfy(delivery -> assertThat(delivery.members()).extracting(Member::nodeId).doesNotHaveDuplicates())
                    .allSatisfy(delivery -> assertThat(delivery.members()).hasSizeLessThanOrEqualTo(3));
        }
    }

    @Test
    void aPausedMemberIsRemovedAfterTheFailureTimeoutAndRejoinsWhenResumed() throws Exception {
        TestNode a = node("a", ports[0]);
        TestNode b = node("b", ports[1]);
        ChildNode c = child("c", ports[2]);
        awaitThree(a, b, c);

        c.pause();

        assertThat(a.awaitMembers(Set.of("a", "b"))).isLessThan(FEW_SECONDS);
        b.awaitMembers(Set.of("a", "b"));

        c.resume();

        awaitThree(a, b, c);
    }

    /**
     * A node restarted (same node id, new address) while its old process still holds a place in the
     * view, frozen: the others list the node once, with its new address, never both.
     */
    @Test
    void aNodeRestartedWhileItsOldAddressIsStillInTheViewIsListedOnceWithItsNewAddress() throws Exception {
        TestNode a = node("a", ports[0]);
        TestNode b = node("b", ports[1]);
        ChildNode old = child("c", ports[2]);
        a.awaitMembers(Set.of("a", "b", "c"));
        old.pause();

        int newPort = Ports.free();
        TestNode renewed = TestNode.start(cluster, "c", newPort, SECRET, () -> seeds);
        running.add(renewed);

        Eventually.within(TestNode.VIEW_DEADLINE, "a lists c with its new address",
                () -> a.discovery.members().contains(TestNode.self("c", newPort)), a.discovery::members);
        renewed.awaitMembers(Set.of("a", "b", "c"));
        assertThat(renewed.discovery.members()).contains(TestNode.self("c", newPort)).hasSize(3);
        Eventually.within(TestNode.VIEW_DEADLINE, "the frozen old address is removed",
                () -> a.discovery.channel().getView().size() == 3, () -> a.discovery.channel().getView());
        for (TestNode node : List.of(a, b, renewed)) {
            assertThat(node.recorder.deliveries()).as("%s never lists a node twice", node.id)
                    .allSatisfy(delivery -> assertThat(delivery.members()).extracting(Member::nodeId).doesNotHaveDuplicates());
        }
        assertThat(a.discovery.members()).contains(TestNode.self("c", newPort)).hasSize(3);
    }
}
