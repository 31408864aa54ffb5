package storelog.elector.raft;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import storelog.testkit.TestData;

/**
 * The switches between Redis and Raft (slot 1 of 2, {@code LEADER_TTL} 1 s), sampled about every half
 * millisecond; a node leads through Redis from the moment its Raft state says the earlier elector
 * decides (it reaches Redis and would win at once), until its chain stands Redis by.
 * <ol>
 *   <li>Take-over, in the split of docs/cluster.md where the Raft leader cannot reach Redis but the
 *       Redis leader can: the Raft leader does not lead before the Redis leader stood down, and its
 *       epoch is above the Redis one.</li>
 *   <li>Hand-back, with the Raft leader slow to apply its own hand-back entry: it does not lead once
 *       another node can have started leading through Redis.</li>
 * </ol>
 */
class TakeOverOverlapTest {

    private final List<String> overlaps = new CopyOnWriteArrayList<>();

    @Test
    void neitherSwitchLetsARaftLeaderAndARedisLeaderLeadAtOnce(TestInfo test) throws Exception {
        try (Cluster cluster = new Cluster(TestData.directory(test), Cluster.FAST, 1, 2).withNodes(3)) {
            cluster.setEarlierUsable(true);
            cluster.nodes.forEach(n -> n.highestEpoch.set(10)); // the Redis leader's epoch (even), seen by all
            cluster.startAll();
            Node raftLeader = Cluster.await("a Raft leader", RaftElectionTest.ELECTION,
                    () -> cluster.nodes.stream().filter(n -> n.elector().raftLeader() && n.elector().usable()).findFirst());
            Node redisLeader = cluster.nodes.stream().filter(n -> n != raftLeader).findFirst().orElseThrow();

            Thread sampler = sample(cluster, "take-over", () -> !redisLeader.elector().tookOver());
            try {
                raftLeader.earlierUsable.set(false); // the Raft leader loses Redis; the Redis leader does not
                Node leader = cluster.awaitAgreedLeader(RaftElectionTest.ELECTION);

                assertThat(leader).isSameAs(raftLeader);
                assertThat(leader.leadership().epoch()).isGreaterThan(10).isOdd();
            } finally {
                stop(sampler);
            }

            CountDownLatch release = new CountDownLatch(1);
            raftLeader.elector().beforeApply(command -> {
                if (command instanceof Command.HandBack) { // its apply thread lags behind the others'
                    await(release);
                }
            });
            List<Node> others = cluster.nodes.stream().filter(n -> n != raftLeader).toList();
            sampler = sample(cluster, "hand-back", () -> others.stream().anyMatch(n -> !n.elector().tookOver()));
            try {
                cluster.setEarlierUsable(true); // Redis is back for everyone: a hand-back after 3 TTLs
                Cluster.await("the others applied the hand-back", RaftElectionTest.ELECTION,
                        () -> others.stream().noneMatch(n -> n.elector().tookOver()));
                long until = System.nanoTime() + Duration.ofMillis(600).toNanos(); // past the Raft leader's own lease
                Cluster.await("0.6 s", Duration.ofSeconds(2), () -> System.nanoTime() - until > 0);
            } finally {
                release.countDown();
                stop(sampler);
            }
            assertThat(overlaps).as("samples in which a Redis leader and a Raft leader both led").isEmpty();
        }
    }

    /** Samples until interrupted: a Raft LEADER while {@code redisLeads} is an overlap. */
    private Thread sample(Cluster cluster, String phase, BooleanSupplier redisLeads) {
        return Thread.ofPlatform().daemon().start(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                List<String> raftLeaders = cluster.nodes.stream().filter(Node::isLeader).map(n -> n.id).toList();
                if (!raftLeaders.isEmpty() && redisLeads.getAsBoolean()) {
                    overlaps.add(phase + ": " + raftLeaders + " leads through Raft while a node leads through Redis");
                }
                LockSupport.parkNanos(500_000);
            }
        });
    }

    private static void stop(Thread sampler) throws InterruptedException {
        sampler.interrupt();
        sampler.join(Duration.ofSeconds(5));
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
