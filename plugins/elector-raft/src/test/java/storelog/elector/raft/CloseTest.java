package storelog.elector.raft;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import storelog.api.spi.Leadership;
import storelog.testkit.TestData;

class CloseTest {

    private static List<String> newThreads(Set<Thread> before) {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.isAlive() && !before.contains(t))
                .map(Thread::getName).sorted().toList();
    }

    @Test
    void afterCloseNoThreadOfTheElectorOrRatisIsLeft(TestInfo test) {
        Set<Thread> before = Set.copyOf(Thread.getAllStackTraces().keySet());
        try (Cluster cluster = new Cluster(TestData.directory(test), Cluster.FAST, 0, 1).withNodes(3).startAll()) {
            cluster.awaitAgreedLeader(RaftElectionTest.ELECTION);
            assertThat(newThreads(before)).isNotEmpty();
        }

        // Ratis ends some pool threads a moment after close returns
        Cluster.await("no thread left: " + newThreads(before), Duration.ofSeconds(10), () -> newThreads(before).isEmpty());
    }

    @Test
    void closingTheLeaderHandsTheRaftLeadershipOverAndItStopsLeadingAtOnce(TestInfo test) throws Exception {
        try (Cluster cluster = new Cluster(TestData.directory(test), Cluster.FAST, 0, 1).withNodes(3).startAll();
             LeaderSampler sampler = new LeaderSampler(cluster)) {
            Node leader = cluster.awaitAgreedLeader(RaftElectionTest.ELECTION);
            long epoch = leader.leadership().epoch();
            RaftElector elector = leader.elector();

            leader.close();
            long closed = System.nanoTime();

            assertThat(elector.leadership().role()).isNotEqualTo(Leadership.Role.LEADER);
            Node next = cluster.awaitAgreedLeader(RaftElectionTest.ELECTION);
            System.out.printf("new leader %d ms after the leader's close returned%n", (System.nanoTime() - closed) / 1_000_000);
            assertThat(next.leadership().epoch()).isGreaterThan(epoch);
            sampler.close();
            assertThat(sampler.violations).isEmpty();
        }
    }

    @Test
    void aResigningLeaderStopsLeadingAtOnceAndTheGroupLeadsAgainWithAHigherEpoch(TestInfo test) throws Exception {
        try (Cluster cluster = new Cluster(TestData.directory(test), Cluster.FAST, 0, 1).withNodes(3).startAll();
             LeaderSampler sampler = new LeaderSampler(cluster)) {
            Node leader = cluster.awaitAgreedLeader(RaftElectionTest.ELECTION);
            long epoch = leader.leadership().epoch();

            leader.elector().resign();

            assertThat(leader.isLeader()).isFalse();
            Node next = cluster.awaitAgreedLeader(RaftElectionTest.ELECTION);
            assertThat(next.leadership().epoch()).isGreaterThan(epoch);
            sampler.close();
            assertThat(sampler.violations).isEmpty();
        }
    }

    @Test
    void aStandingByLeaderStopsLeadingAtOnceAndLeadsAgainWhenActivated(TestInfo test) {
        try (Cluster cluster = new Cluster(TestData.directory(test), Cluster.FAST, 0, 1)) {
            Node only = cluster.add(false).start();
            Cluster.await("leads", RaftElectionTest.ELECTION, only::isLeader);

            int before = only.reported.size();
            only.elector().standBy();
            // the test node's listener activates again on every report, so "not leading" is what was
            // reported after standBy(), not what isLeader() says a moment later
            Cluster.await("reports that it stopped leading", RaftElectionTest.ELECTION, () -> only.reported.stream().skip(before)
                    .anyMatch(l -> l.role() != Leadership.Role.LEADER));

            only.elector().activate();
            Cluster.await("leads again", RaftElectionTest.ELECTION, only::isLeader);
        }
    }
}
