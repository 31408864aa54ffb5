package storelog.discovery.gossip;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Seeds are {@code DiscoveryContext.seeds()} as it is now: re-read while running, down at first, partly bad. */
class SeedsTest {

    private final String cluster = "seeds-" + System.nanoTime();
    private final List<TestNode> nodes = new ArrayList<>();

    @AfterEach
    void closeNodes() {
        nodes.forEach(TestNode::close);
    }

    private TestNode start(String id, int port, AtomicReference<List<String>> seeds) {
        TestNode node = TestNode.start(cluster, id, port, null, seeds::get);
        nodes.add(node);
        return node;
    }

    @Test
    void aSeedThatTheSupplierReturnsLaterIsContactedAndTheTwoNodesMerge() {
        int[] ports = {Ports.free(), Ports.free()};
        TestNode a = start("a", ports[0], new AtomicReference<>(List.of()));
        AtomicReference<List<String>> bSeeds = new AtomicReference<>(List.of());
        TestNode b = start("b", ports[1], bSeeds);
        assertThat(a.ids()).containsExactly("a");
        assertThat(b.ids()).containsExactly("b");

        bSeeds.set(List.of(a.address()));

        a.awaitMembers(Set.of("a", "b"));
        b.awaitMembers(Set.of("a", "b"));
    }

    @Test
    void aNodeWhoseSeedsAreAllDownStartsAloneAndMergesWhenOneComesUp() {
        int[] ports = {Ports.free(), Ports.free(), Ports.free()};
        AtomicReference<List<String>> seeds = new AtomicReference<>(List.of("127.0.0.1:" + ports[0], "127.0.0.1:" + ports[1]));
        TestNode c = start("c", ports[2], seeds);
        assertThat(c.ids()).containsExactly("c");

        TestNode a = start("a", ports[0], new AtomicReference<>(List.of()));

        a.awaitMembers(Set.of("a", "c"));
        c.awaitMembers(Set.of("a", "c"));
    }

    @Test
    void seedsThatAreNotHostPortOrDoNotResolveAreLeftOutAndTheOthersUsed() {
        int[] ports = {Ports.free(), Ports.free()};
        TestNode a = start("a", ports[0], new AtomicReference<>(List.of()));

        TestNode b = start("b", ports[1], new AtomicReference<>(List.of("no port", "no-such-host.invalid:7946", "[::1", a.address())));

        assertThat(b.recorder.deliveries().getFirst().ids()).as("b joined at once").containsExactlyInAnyOrder("a", "b");
        a.awaitMembers(Set.of("a", "b"));
    }

    @Test
    void whileTheSupplierFailsTheSeedsItGaveBeforeAreStillAsked() {
        int[] ports = {Ports.free(), Ports.free()};
        AtomicReference<List<String>> cSeeds = new AtomicReference<>(List.of("127.0.0.1:" + ports[0]));
        TestNode c = start("c", ports[1], cSeeds);
        assertThat(c.ids()).containsExactly("c");
        cSeeds.set(new java.util.AbstractList<>() {
            @Override
            public String get(int index) {
                throw new IllegalStateException("seed source failure for the test");
            }

            @Override
            public int size() {
                throw new IllegalStateException("seed source failure for the test");
            }
        });

        TestNode a = start("a", ports[0], new AtomicReference<>(List.of()));

        a.awaitMembers(Set.of("a", "c"));
        c.awaitMembers(Set.of("a", "c"));
    }
}
