package storelog.elector.raft;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import storelog.api.spi.Member;
import storelog.testkit.Async;
import storelog.testkit.TestData;

/** docs/cluster.md "Forming the group": one group from the seeds, members added and removed by the leader. */
class GroupFormationTest {

    private static final Duration WITHIN = RaftElectionTest.ELECTION;

    private static void awaitPeers(Cluster cluster, List<String> peers) {
        Cluster.await("every running node's group is " + peers, WITHIN,
                () -> cluster.nodes.stream().filter(Node::running).allMatch(n -> n.elector().raftPeers().equals(peers)));
    }

    @Test
    void threeNodesStartedAtOnceWithoutStorageFormOneGroup(TestInfo test) throws Exception {
        try (Cluster cluster = new Cluster(TestData.directory(test), Cluster.FAST, 0, 1).withNodes(3)) {
            CountDownLatch go = new CountDownLatch(1);
            var starts = cluster.nodes.stream().map(n -> Async.async(() -> {
                go.await();
                n.start();
            })).toList();
            go.countDown();
            for (var start : starts) {
                start.get();
            }

            Node leader = cluster.awaitAgreedLeader(WITHIN);

            awaitPeers(cluster, List.of("n1", "n2", "n3"));
            assertThat(cluster.leaders()).containsExactly(leader);
        }
    }

    @Test
    void aNodeDoesNotFormTheGroupBeforeItsViewHoldsEveryExpectedMember(TestInfo test) {
        try (Cluster cluster = new Cluster(TestData.directory(test), Cluster.FAST, 0, 1).withNodes(3)) {
            List<Member> everyone = List.copyOf(cluster.view);
            cluster.view.removeIf(m -> !m.nodeId().equals("n1"));
            Node first = cluster.node("n1").start();

            Cluster.await("a few formation attempts", Duration.ofSeconds(2), () -> first.reported.size() > 0);
            long until = System.nanoTime() + Duration.ofMillis(1500).toNanos();
            Cluster.await("1.5 s", Duration.ofSeconds(2), () -> System.nanoTime() - until > 0);
            assertThat(first.elector().raftPeers()).as("n1 alone in its view holds no group").isEmpty();
            assertThat(first.isLeader()).isFalse();

            cluster.view.clear();
            cluster.view.addAll(everyone);
            cluster.node("n2").start();
            cluster.node("n3").start();

            cluster.awaitAgreedLeader(WITHIN);
            awaitPeers(cluster, List.of("n1", "n2", "n3"));
        }
    }

    @Test
    void aNodeWhoseSeedsAreUnknownDuringADnsOutageDoesNotFormAGroupOfOneAndLeadUntilDnsAnswers(TestInfo test) {
        Path dir = TestData.directory(test);
        int port = Cluster.freePort();
        Member self = Node.member("n1", port);
        try (Node lone = new Node("n1", port, dir.resolve("n1"), Cluster.FAST, () -> List.of(self), List::of, 0, 1)) {
            lone.seedsKnown.set(false); // SERVICE_NAME only, DNS unreachable since start: others may exist
            lone.start();

            Cluster.await("a few formation attempts", Duration.ofSeconds(2), () -> lone.reported.size() > 0);
            long until = System.nanoTime() + Duration.ofMillis(1500).toNanos();
            Cluster.await("1.5 s", Duration.ofSeconds(2), () -> System.nanoTime() - until > 0);
            assertThat(lone.elector().raftPeers()).as("no group formed on unknown seeds").isEmpty();
            assertThat(lone.isLeader()).isFalse();
            assertThat(dir.resolve("n1").resolve(InitialPeers.FILE_NAME)).doesNotExist();

            lone.seedsKnown.set(true); // DNS answered: no other node
            Cluster.await("the lone node leads its group of one", WITHIN, lone::isLeader);
            assertThat(lone.elector().raftPeers()).containsExactly("n1");
        }
    }

    @Test
    void aFourthNodeStartedLaterIsAddedByTheLeader(TestInfo test) {
        try (Cluster cluster = new Cluster(TestData.directory(test), Cluster.FAST, 0, 1).withNodes(3).startAll()) {
            Node leader = cluster.awaitAgreedLeader(WITHIN);
            long epoch = leader.leadership().epoch();

            Node fourth = cluster.add(false).start();

            awaitPeers(cluster, List.of("n1", "n2", "n3", "n4"));
            Cluster.await("n4 follows the leader", WITHIN, () -> fourth.leadership().leaderId().equals(java.util.Optional.of(leader.id)));
            assertThat(fourth.leadership().epoch()).isEqualTo(epoch);
            assertThat(fourth.state.resolve(InitialPeers.FILE_NAME)).as("n4 did not form a group of its own").doesNotExist();
        }
    }

    @Test
    void aMemberGoneFromTheViewIsRemovedOnlyAfterRaftRemoveAfterMs(TestInfo test) {
        Map<String, String> settings = Map.of("LEADER_TTL", "1000", "RAFT_REMOVE_AFTER_MS", "2000");
        try (Cluster cluster = new Cluster(TestData.directory(test), settings, 0, 1).withNodes(3).startAll()) {
            Node leader = cluster.awaitAgreedLeader(WITHIN);
            Node gone = cluster.nodes.stream().filter(n -> n != leader).findFirst().orElseThrow();

            gone.crash();
            cluster.view.removeIf(m -> m.nodeId().equals(gone.id));
            long left = System.nanoTime();
            List<String> rest = cluster.nodes.stream().filter(n -> n != gone).map(n -> n.id).sorted().toList();
            awaitPeers(cluster, rest);
            long removedAfter = (System.nanoTime() - left) / 1_000_000;

            System.out.printf("removed %d ms after leaving the view (RAFT_REMOVE_AFTER_MS 2000)%n", removedAfter);
            assertThat(removedAfter).isGreaterThanOrEqualTo(2000);
            assertThat(cluster.leader()).isPresent();
        }
    }

    @Test
    void theExpectedInitialMembersAreTheDistinctSeedsAndThisNode() {
        Member plain = new Member("n1", "h:1", Map.of());
        Member listed = new Member("n1", "h:1", Map.of(GroupFormation.GOSSIP, "10.0.0.1:7800"));
        Member elsewhere = new Member("n1", "h:1", Map.of(GroupFormation.GOSSIP, "10.0.0.9:7800"));
        List<String> seeds = List.of("10.0.0.1:7800", "10.0.0.2:7800", " 10.0.0.2:7800", "10.0.0.3:7800");

        assertThat(GroupFormation.expectedMembers(List.of(), plain)).isEqualTo(1);
        assertThat(GroupFormation.expectedMembers(seeds, plain)).isEqualTo(3);
        assertThat(GroupFormation.expectedMembers(seeds, listed)).isEqualTo(3);
        assertThat(GroupFormation.expectedMembers(seeds, elsewhere)).isEqualTo(4);
    }
}
