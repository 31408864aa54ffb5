package storelog.elector.raft;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import storelog.api.spi.Leadership;
import storelog.testkit.TestData;

/** Raft as the only elector ({@code ELECTOR=raft}): in charge, one leader, epochs from the group. */
class RaftElectionTest {

    static final Duration ELECTION = Duration.ofSeconds(15);

    @Test
    void threeNodesAgreeOnExactlyOneLeader(TestInfo test) throws Exception {
        try (Cluster cluster = new Cluster(TestData.directory(test), Cluster.FAST, 0, 1).withNodes(3).startAll();
             LeaderSampler sampler = new LeaderSampler(cluster)) {

            Node leader = cluster.awaitAgreedLeader(ELECTION);

            assertThat(leader.leadership().epoch()).isPositive();
            assertThat(cluster.leaders()).containsExactly(leader);
            sampler.close();
            assertThat(sampler.violations).isEmpty();
            for (Node node : cluster.nodes) {
                assertThat(node.listenerThreads).as("listener calls of %s", node.id).containsExactly("raft-elector-" + node.id);
                assertThat(node.elector().usable()).as("%s usable", node.id).isTrue();
            }
        }
    }

    @Test
    void aSingleNodeWithoutSeedsLeadsWithinThreeSeconds(TestInfo test) {
        try (Cluster cluster = new Cluster(TestData.directory(test), Cluster.FAST, 0, 1)) {
            Node only = cluster.add(false);
            long start = System.nanoTime();
            only.start();

            Cluster.await("the single node leads", Duration.ofSeconds(3), only::isLeader);

            System.out.printf("single node: leader %d ms after start%n", (System.nanoTime() - start) / 1_000_000);
            assertThat(only.leadership()).isEqualTo(new Leadership(Leadership.Role.LEADER, Optional.of("n1"), only.leadership().epoch()));
        }
    }

    /**
     * Slot 1 of 2 (e.g. {@code ELECTOR=redis,raft} with Redis gone from the start): every epoch is odd,
     * above the floors every node reported, and higher after each crash of the leader.
     */
    @Test
    void afterACrashOfTheLeaderTheOthersElectAnotherWithAHigherEpochOfTheRaftResidueClass(TestInfo test) throws Exception {
        try (Cluster cluster = new Cluster(TestData.directory(test), Cluster.FAST, 1, 2).withNodes(3);
             LeaderSampler sampler = new LeaderSampler(cluster)) {
            cluster.node("n1").highestEpoch.set(100);
            cluster.node("n2").highestEpoch.set(205);
            cluster.node("n3").highestEpoch.set(7);
            cluster.startAll();

            Node first = cluster.awaitAgreedLeader(ELECTION);
            long firstEpoch = first.leadership().epoch();
            assertThat(firstEpoch % 2).isEqualTo(1);
            assertThat(firstEpoch).isGreaterThan(first.highestEpoch.get() == firstEpoch ? 0 : first.highestEpoch.get());
            Cluster.await("every floor reported to the group", ELECTION, () -> first.elector().state().highestObserved() >= 205);

            first.crash();
            long crashed = System.nanoTime();
            Node second = cluster.awaitAgreedLeader(ELECTION);
            System.out.printf("failover after a crash of the leader: %d ms%n", (System.nanoTime() - crashed) / 1_000_000);

            long secondEpoch = second.leadership().epoch();
            assertThat(second).isNotSameAs(first);
            assertThat(secondEpoch).isGreaterThan(205).isGreaterThan(firstEpoch);
            assertThat(secondEpoch % 2).isEqualTo(1);
            sampler.close();
            assertThat(sampler.violations).isEmpty();
        }
    }

    @Test
    void epochsStayMonotoneAcrossAFullRestartOfEveryNode(TestInfo test) throws Exception {
        try (Cluster cluster = new Cluster(TestData.directory(test), Cluster.FAST, 0, 1).withNodes(3);
             LeaderSampler sampler = new LeaderSampler(cluster)) {
            List<Long> epochs = new ArrayList<>();
            for (int round = 0; round < 2; round++) {
                cluster.startAll();
                epochs.add(cluster.awaitAgreedLeader(ELECTION).leadership().epoch());
                cluster.nodes.forEach(Node::close);
                cluster.nodes.forEach(n -> n.highestEpoch.set(0)); // only the group's storage remembers
            }

            assertThat(epochs.get(1)).isGreaterThan(epochs.get(0));
            assertThat(cluster.nodes).allSatisfy(n -> assertThat(n.state.resolve(InitialPeers.FILE_NAME)).exists());
            sampler.close();
            assertThat(sampler.violations).isEmpty();
        }
    }
}
