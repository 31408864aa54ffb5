package storelog.elector.raft;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import storelog.api.spi.Leadership;
import storelog.testkit.TestData;

/**
 * A leader in a JVM of its own (n3) with two nodes in this JVM: kill -9 of the leader, and a leader
 * paused (SIGSTOP) past its lease and continued (SIGCONT).
 */
class CrashTest {

    /** Two nodes here and a child JVM n3; the test made n3 the leader. */
    record Setup(Cluster cluster, ChildJvm child, long epoch) {
    }

    static Setup childLeads(Path dir) throws Exception {
        java.nio.file.Files.createDirectories(dir);
        Cluster cluster = new Cluster(dir, Cluster.FAST, 0, 1).withNodes(2);
        int childPort = Cluster.freePort();
        cluster.view.add(Node.member("n3", childPort));
        cluster.seeds.add("seed-n3");
        List<String> members = cluster.view.stream().map(m -> m.nodeId() + "=" + m.attribute("raft").orElseThrow().split(":")[1]).toList();
        ChildJvm child = new ChildJvm("n3", childPort, dir.resolve("n3"), members, dir.resolve("n3.log"));
        cluster.startAll();
        for (int attempt = 0; attempt < 20 && child.leadership().role() != Leadership.Role.LEADER; attempt++) {
            Optional<Node> here = Cluster.await("a leader", RaftElectionTest.ELECTION, () -> child.leadership().role() == Leadership.Role.LEADER
                    ? Optional.of(Optional.<Node>empty()) : cluster.leader().map(Optional::of));
            here.ifPresent(n -> n.elector().resign()); // until the Raft leadership lands on the child
            Cluster.await("the resigned leader steps down", RaftElectionTest.ELECTION, () -> here.map(n -> !n.isLeader()).orElse(true));
        }
        Cluster.await("n3 leads and both others follow it", RaftElectionTest.ELECTION, () -> child.leadership().role() == Leadership.Role.LEADER
                && cluster.nodes.stream().allMatch(n -> n.leadership().leaderId().equals(Optional.of("n3"))));
        return new Setup(cluster, child, child.leadership().epoch());
    }

    @Test
    void afterAKill9OfTheLeaderTheRemainingTwoElectAnotherWithAHigherEpoch(TestInfo test) throws Exception {
        Setup setup = childLeads(TestData.directory(test));
        try (Cluster cluster = setup.cluster(); ChildJvm child = setup.child(); LeaderSampler sampler = new LeaderSampler(cluster)) {
            child.kill();
            long killed = System.nanoTime();

            Node next = cluster.awaitAgreedLeader(RaftElectionTest.ELECTION);

            System.out.printf("failover after kill -9 of the leader: %d ms%n", (System.nanoTime() - killed) / 1_000_000);
            assertThat(next.leadership().epoch()).isGreaterThan(setup.epoch());
            sampler.close();
            assertThat(sampler.violations).isEmpty();
        }
    }

    @Test
    void aLeaderPausedPastItsLeaseDoesNotClaimLeadershipWhenItContinues(TestInfo test) throws Exception {
        Setup setup = childLeads(TestData.directory(test));
        try (Cluster cluster = setup.cluster(); ChildJvm child = setup.child()) {
            child.signal("STOP");
            Node next;
            try {
                next = cluster.awaitAgreedLeader(RaftElectionTest.ELECTION);
                assertThat(next.leadership().epoch()).isGreaterThan(setup.epoch());
            } finally {
                child.signal("CONT");
            }

            String resumed = Cluster.await("n3's first sample after the pause", RaftElectionTest.ELECTION,
                    () -> child.resumed.stream().findFirst());
            assertThat(resumed).doesNotContain("LEADER");
            Cluster.await("n3 follows the new leader", RaftElectionTest.ELECTION, () -> child.leadership().equals(
                    new Leadership(Leadership.Role.FOLLOWER, Optional.of(next.id), next.leadership().epoch())));
        }
    }
}
