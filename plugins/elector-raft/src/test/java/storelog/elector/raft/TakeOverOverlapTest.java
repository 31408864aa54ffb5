package storelog.elector.raft;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import storelog.testkit.TestData;

/**
 * The switch from Redis to Raft (slot 1 of 2, {@code LEADER_TTL} 1 s) in the split of docs/cluster.md
 * where the Raft leader cannot reach Redis but the Redis leader can: the Redis leader keeps its lease
 * until it applies the take-over (then its chain stands Redis by), so the Raft leader must not act as
 * leader before that. Sampled about every millisecond: at no sample do both answer as leader, and the
 * Raft epoch is above the Redis one.
 */
class TakeOverOverlapTest {

    @Test
    void theRaftLeaderDoesNotLeadWhileTheRedisLeaderHasNotStoodDown(TestInfo test) throws Exception {
        try (Cluster cluster = new Cluster(TestData.directory(test), Cluster.FAST, 1, 2).withNodes(3)) {
            cluster.setEarlierUsable(true);
            cluster.nodes.forEach(n -> n.highestEpoch.set(10)); // the Redis leader's epoch (even), seen by all
            cluster.startAll();
            Node raftLeader = Cluster.await("a Raft leader", RaftElectionTest.ELECTION,
                    () -> cluster.nodes.stream().filter(n -> n.elector().raftLeader() && n.elector().usable()).findFirst());
            Node redisLeader = cluster.nodes.stream().filter(n -> n != raftLeader).findFirst().orElseThrow();

            List<String> overlaps = new CopyOnWriteArrayList<>();
            Thread sampler = Thread.ofPlatform().daemon().start(() -> {
                while (!Thread.currentThread().isInterrupted()) {
                    boolean redisLeads = !redisLeader.elector().tookOver(); // it reaches Redis: leads until it stands by
                    List<String> raftLeaders = cluster.nodes.stream().filter(Node::isLeader).map(n -> n.id).toList();
                    if (redisLeads && !raftLeaders.isEmpty()) {
                        overlaps.add(redisLeader.id + " (redis) and " + raftLeaders + " (raft)");
                    }
                    LockSupport.parkNanos(500_000);
                }
            });
            try {
                raftLeader.earlierUsable.set(false); // the Raft leader loses Redis; the Redis leader does not
                Node leader = cluster.awaitAgreedLeader(RaftElectionTest.ELECTION);

                assertThat(leader).isSameAs(raftLeader);
                assertThat(leader.leadership().epoch()).isGreaterThan(10).isOdd();
            } finally {
                sampler.interrupt();
                sampler.join(Duration.ofSeconds(5));
            }
            assertThat(overlaps).as("samples in which the Redis leader and a Raft leader both led").isEmpty();
        }
    }
}
