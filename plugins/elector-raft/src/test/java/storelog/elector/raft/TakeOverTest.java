package storelog.elector.raft;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import storelog.api.spi.Leadership;
import storelog.testkit.TestData;

/**
 * Raft as the later elector (slot 1 of 2, {@code ELECTOR=redis,raft}), {@code LEADER_TTL} 1 s: the
 * take-over and hand-back rules of docs/cluster.md and its split table.
 */
class TakeOverTest {

    private static final Duration TTL = Duration.ofMillis(1000);

    private static Cluster cluster(TestInfo test) {
        return new Cluster(TestData.directory(test), Cluster.FAST, 1, 2).withNodes(3);
    }

    private static Node raftLeader(Cluster cluster) {
        return Cluster.await("a Raft leader", RaftElectionTest.ELECTION,
                () -> cluster.nodes.stream().filter(n -> n.running() && n.elector().raftLeader() && n.elector().usable()).findFirst());
    }

    @Test
    void whileTheRaftLeaderCanUseTheEarlierElectorRaftNeverLeadsNorTakesOverEvenIfAFollowerCannot(TestInfo test) throws Exception {
        try (Cluster cluster = cluster(test); LeaderSampler sampler = new LeaderSampler(cluster)) {
            cluster.setEarlierUsable(true);
            cluster.startAll();
            Node raftLeader = raftLeader(cluster);
            cluster.nodes.stream().filter(n -> n != raftLeader).findFirst().orElseThrow().earlierUsable.set(false);
            long until = System.nanoTime() + TTL.multipliedBy(3).toNanos();

            Cluster.await("three LEADER_TTLs", TTL.multipliedBy(4), () -> System.nanoTime() - until > 0);

            assertThat(sampler.leaderships).isEmpty();
            assertThat(cluster.nodes).allSatisfy(n -> {
                assertThat(n.elector().tookOver()).isFalse();
                assertThat(n.leadership().role()).isEqualTo(Leadership.Role.CANDIDATE);
                assertThat(n.elector().usable()).isTrue();
            });
        }
    }

    @Test
    void whenNoNodeCanUseTheEarlierElectorExactlyOneTakesOverAfterTheTtl(TestInfo test) throws Exception {
        try (Cluster cluster = cluster(test); LeaderSampler sampler = new LeaderSampler(cluster)) {
            cluster.setEarlierUsable(true);
            cluster.startAll();
            raftLeader(cluster);

            cluster.setEarlierUsable(false);
            long lost = System.nanoTime();
            Node leader = cluster.awaitAgreedLeader(RaftElectionTest.ELECTION);
            long tookMillis = (System.nanoTime() - lost) / 1_000_000;

            System.out.printf("take-over after the earlier elector became unusable: %d ms (LEADER_TTL %d ms)%n", tookMillis, TTL.toMillis());
            assertThat(tookMillis).isGreaterThanOrEqualTo(TTL.toMillis());
            assertThat(leader.leadership().epoch() % 2).isEqualTo(1);
            assertThat(cluster.nodes).allSatisfy(n -> assertThat(n.elector().tookOver()).isTrue());
            sampler.close();
            assertThat(sampler.violations).isEmpty();
            assertThat(sampler.leaderships).containsExactly(leader.id + "@" + leader.leadership().epoch());
        }
    }

    @Test
    void whenOnlyTheRaftLeaderCannotUseTheEarlierElectorItTakesOverForEveryNode(TestInfo test) throws Exception {
        try (Cluster cluster = cluster(test)) {
            cluster.setEarlierUsable(true);
            cluster.startAll();
            Node raftLeader = raftLeader(cluster);

            raftLeader.earlierUsable.set(false);
            Node leader = cluster.awaitAgreedLeader(RaftElectionTest.ELECTION);

            assertThat(leader).isSameAs(raftLeader);
            assertThat(cluster.nodes).allSatisfy(n -> assertThat(n.elector().tookOver()).as("%s took over", n.id).isTrue());
        }
    }

    @Test
    void afterTheEarlierElectorIsUsableForThreeTtlsRaftHandsBackAndNobodyLeadsThroughIt(TestInfo test) throws Exception {
        try (Cluster cluster = cluster(test); LeaderSampler sampler = new LeaderSampler(cluster)) {
            cluster.startAll(); // the earlier elector was never usable: take over at once
            Node leader = cluster.awaitAgreedLeader(RaftElectionTest.ELECTION);
            long epoch = leader.leadership().epoch();

            cluster.setEarlierUsable(true);
            long back = System.nanoTime();
            Cluster.await("a hand-back on every node", RaftElectionTest.ELECTION,
                    () -> cluster.nodes.stream().noneMatch(n -> n.elector().tookOver()));
            long handedBackMillis = (System.nanoTime() - back) / 1_000_000;

            System.out.printf("hand-back after the earlier elector became usable: %d ms (3 x LEADER_TTL = %d ms)%n",
                    handedBackMillis, 3 * TTL.toMillis());
            assertThat(handedBackMillis).isGreaterThanOrEqualTo(3 * TTL.toMillis());
            assertThat(cluster.leaders()).isEmpty();
            assertThat(cluster.nodes).allSatisfy(n -> assertThat(n.leadership()).isEqualTo(
                    new Leadership(Leadership.Role.CANDIDATE, Optional.empty(), epoch)));

            cluster.setEarlierUsable(false); // and when it goes again, Raft takes over again, higher
            Node again = cluster.awaitAgreedLeader(RaftElectionTest.ELECTION);
            assertThat(again.leadership().epoch()).isGreaterThan(epoch);
            sampler.close();
            assertThat(sampler.violations).isEmpty();
        }
    }

    @Test
    void aBreakInUsabilityRestartsTheHandBackClock(TestInfo test) {
        try (Cluster cluster = cluster(test)) {
            cluster.startAll();
            cluster.awaitAgreedLeader(RaftElectionTest.ELECTION);

            long usableSince = System.nanoTime();
            cluster.setEarlierUsable(true);
            Cluster.await("two LEADER_TTLs", TTL.multipliedBy(3), () -> System.nanoTime() - usableSince > TTL.multipliedBy(2).toNanos());
            cluster.setEarlierUsable(false);
            Cluster.await("a tick sees the break", TTL, () -> System.nanoTime() - usableSince > TTL.multipliedBy(2).plusMillis(200).toNanos());
            cluster.setEarlierUsable(true);
            long restarted = System.nanoTime();
            Cluster.await("two more LEADER_TTLs", TTL.multipliedBy(3), () -> System.nanoTime() - restarted > TTL.multipliedBy(2).toNanos());

            assertThat(cluster.nodes).allSatisfy(n -> assertThat(n.elector().tookOver()).isTrue());
            assertThat(cluster.leader()).isPresent();
        }
    }
}
