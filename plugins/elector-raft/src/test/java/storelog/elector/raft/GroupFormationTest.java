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

    /**
     * Seen in bench/cluster.sh: n1 formed the group with n1..n3 while n3 had not decided yet; then n2
     * died and left the view, and n3, seeing 2 of 3 expected members, never asked n1 and stayed out of
     * the group. It must join at once (named in the group's configuration). The group elects only when
     * n2 is back: Ratis takes no vote from a member with an empty log once entries are committed, so
     * n1 and an empty n3 are not a usable majority (docs/cluster.md "Forming the group").
     */
    @Test
    void aNodeThatHasNotFormedYetJoinsTheGroupAfterAnotherMemberLeftTheView(TestInfo test) throws Exception {
        try (Cluster cluster = new Cluster(TestData.directory(test), Cluster.FAST, 0, 1).withNodes(3).startAll()) {
            cluster.awaitAgreedLeader(WITHIN);
            Node third = cluster.node("n3");
            third.crash();
            deleteRecursively(third.state); // n3 comes back as a node that never formed or joined the group
            Node second = cluster.node("n2");
            second.crash();
            cluster.view.removeIf(m -> m.nodeId().equals("n2"));

            third.start();

            Cluster.await("n3 joins the group n1 holds", WITHIN, () -> third.elector().raftPeers().equals(List.of("n1", "n2", "n3")));
            second.start();
            cluster.view.add(second.member());
            Node leader = cluster.awaitAgreedLeader(WITHIN);
            assertThat(cluster.nodes.stream().filter(Node::running).map(n -> n.elector().raftPeers()).distinct().toList())
                    .containsExactly(List.of("n1", "n2", "n3"));
            assertThat(leader).isNotNull();
        }
    }

    private static void deleteRecursively(Path dir) throws java.io.IOException {
        try (var paths = java.nio.file.Files.walk(dir)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                java.nio.file.Files.delete(p);
            }
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
