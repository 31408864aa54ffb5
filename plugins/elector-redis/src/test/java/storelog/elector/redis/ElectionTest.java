package storelog.elector.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static storelog.elector.redis.Cluster.TTL;
import static storelog.elector.redis.Cluster.agreed;
import static storelog.elector.redis.Cluster.agreedLeader;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.params.SetParams;
import storelog.api.spi.Leadership;
import storelog.api.spi.Leadership.Role;

/**
 * Three nodes' redis electors in one JVM on a private Redis that stays up: one leader, followers that
 * know it, fencing epochs of Redis' class (even: slot 0 of 2) that only grow, and every way of giving
 * the lease up. LEADER_TTL is 1 s.
 */
class ElectionTest {

    private static final long FLOOR = 40;

    @RegisterExtension
    static final Cluster CLUSTER = Cluster.sharedRedis();

    private final Jedis jedis = CLUSTER.jedis();

    private static TestNode campaigning(String id) {
        return CLUSTER.campaigning(id, FLOOR);
    }

    private static List<TestNode> three() {
        return CLUSTER.three(FLOOR);
    }

    @Test
    void threeCampaigningElectorsAgreeOnOneLeaderWhomTheOthersFollowWithItsEpoch() {
        List<TestNode> three = three();
        try (Timeline timeline = new Timeline(three)) {
            TestNode leader = agreedLeader(three, Duration.ofSeconds(3));

            long epoch = leader.leadership().epoch();
            assertThat(epoch).as("Redis' class (even) above the highest epoch the nodes had seen").isEqualTo(42);
            assertThat(jedis.get(CLUSTER.keys().leaderKey())).isEqualTo(leader.id + " 42 " + leader.http);
            await("the same leader and epoch, renewed past its TTL").during(Duration.ofMillis(2 * TTL))
                    .atMost(Duration.ofMillis(3 * TTL)).until(() -> agreed(three).equals(Optional.of(leader)));
            assertThat(leader.leadership().epoch()).isEqualTo(42);
            assertThat(timeline.overlaps()).isEmpty();
        }
    }

    @Test
    void epochsAreEvenAndStrictlyIncreaseAcrossLeaderChanges() {
        List<TestNode> three = three();
        List<Long> epochs = new ArrayList<>();
        List<String> leaders = new ArrayList<>();
        try (Timeline timeline = new Timeline(three)) {
            for (int change = 0; change < 4; change++) {
                TestNode leader = agreedLeader(three, Duration.ofSeconds(3));
                long epoch = leader.leadership().epoch();
                if (!epochs.isEmpty() && epochs.getLast() == epoch) {
                    change--; // the same leadership, seen again before the resignation took effect
                    continue;
                }
                epochs.add(epoch);
                leaders.add(leader.id);
                leader.elector.resign();
                assertThat(leader.leads()).as("resign() gives up before it returns").isFalse();
            }
            assertThat(timeline.overlaps()).isEmpty();
        }
        assertThat(epochs).allMatch(e -> e % 2 == 0).allMatch(e -> e > FLOOR).isSorted().doesNotHaveDuplicates();
        for (int i = 1; i < leaders.size(); i++) {
            assertThat(leaders.get(i)).as("a resigning leader lets another node take over").isNotEqualTo(leaders.get(i - 1));
        }
    }

    @Test
    void closingTheLeaderReleasesTheLeaseSoAnotherWinsWellBeforeTheTtl() {
        List<TestNode> three = three();
        TestNode leader = agreedLeader(three, Duration.ofSeconds(3));
        String lease = jedis.get(CLUSTER.keys().leaderKey());
        long epoch = leader.leadership().epoch();

        long closing = System.nanoTime();
        leader.close();
        assertThat(jedis.get(CLUSTER.keys().leaderKey())).as("close() returns after the lease is deleted").isNotEqualTo(lease);

        List<TestNode> rest = three.stream().filter(n -> n != leader).toList();
        TestNode next = agreedLeader(rest, Duration.ofMillis(TTL));
        long took = (System.nanoTime() - closing) / 1_000_000;
        assertThat(took).as("ms to a new leader after a clean close").isLessThan(TTL * 6 / 10);
        assertThat(next.leadership().epoch()).isGreaterThan(epoch);
    }

    @Test
    void aCrashedLeaderIsReplacedWithinTwoTtlsByAnotherWithAHigherEpoch() {
        List<TestNode> three = three();
        try (Timeline timeline = new Timeline(three)) {
            TestNode leader = agreedLeader(three, Duration.ofSeconds(3));
            long epoch = leader.leadership().epoch();

            long crash = System.nanoTime();
            leader.elector.crash(); // threads stopped, connection closed, lease left in Redis

            List<TestNode> rest = three.stream().filter(n -> n != leader).toList();
            TestNode next = agreedLeader(rest, Duration.ofMillis(2 * TTL));
            assertThat((System.nanoTime() - crash) / 1_000_000).isLessThan(2 * TTL);
            assertThat(next.leadership().epoch()).isGreaterThan(epoch).isEven();
            assertThat(timeline.overlaps()).as("the crashed leader's own answer ends before the lease can expire").isEmpty();
        }
    }

    @Test
    void standByGivesTheLeaseUpAtOnceAndKeepsFollowing() {
        List<TestNode> three = three();
        try (Timeline timeline = new Timeline(three)) {
            TestNode leader = agreedLeader(three, Duration.ofSeconds(3));
            String lease = jedis.get(CLUSTER.keys().leaderKey());

            leader.elector.standBy();

            assertThat(leader.leads()).as("standBy() gives up before it returns").isFalse();
            await("the lease deleted").atMost(Duration.ofMillis(TTL / 5)).pollInterval(Duration.ofMillis(2))
                    .until(() -> !lease.equals(jedis.get(CLUSTER.keys().leaderKey())));
            TestNode next = agreedLeader(three, Duration.ofMillis(TTL));
            assertThat(next).isNotSameAs(leader);
            assertThat(leader.leadership().role()).isEqualTo(Role.FOLLOWER);
            long from = System.nanoTime();
            next.elector.standBy();
            TestNode third = agreedLeader(three, Duration.ofMillis(TTL));
            assertThat(third).as("neither stand-by node campaigns").isNotIn(leader, next);
            assertThat(timeline.first(leader.id, Role.LEADER, from)).isEmpty();
            assertThat(timeline.overlaps()).isEmpty();
        }
    }

    @Test
    void onlyAnActivatedElectorCampaigns() {
        List<TestNode> idle = List.of(CLUSTER.open("n1", FLOOR), CLUSTER.open("n2", FLOOR), CLUSTER.open("n3", FLOOR));
        idle.forEach(TestNode::start);
        await("all reach Redis").atMost(Duration.ofSeconds(2)).until(() -> idle.stream().allMatch(n -> n.elector.usable()));
        await("nobody campaigns").during(Duration.ofMillis(TTL)).atMost(Duration.ofMillis(2 * TTL))
                .until(() -> !jedis.exists(CLUSTER.keys().leaderKey()) && idle.stream().noneMatch(TestNode::leads));
        assertThat(idle).allMatch(n -> n.leadership().role() == Role.CANDIDATE);

        idle.get(1).elector.activate();

        assertThat(agreedLeader(idle, Duration.ofMillis(3 * TTL))).as("after the first win's hold").isSameAs(idle.get(1));
    }

    @Test
    void aLeaseOverwrittenByHandMakesItsOwnerStepDownWithoutExtendingTheForeignLease() {
        List<TestNode> three = three();
        TestNode leader = agreedLeader(three, Duration.ofSeconds(3));

        jedis.set(CLUSTER.keys().leaderKey(), "intruder 99 10.0.0.9:8080", SetParams.setParams().px(5_000));
        long overwritten = System.nanoTime();

        await("the owner steps down").atMost(Duration.ofMillis(TTL)).pollInterval(Duration.ofMillis(2)).until(() -> !leader.leads());
        assertThat((System.nanoTime() - overwritten) / 1_000_000).as("within a renewal round and its answer")
                .isLessThan(TTL / 3 + TTL / 5);
        await("everyone follows the intruder").atMost(Duration.ofMillis(TTL))
                .until(() -> three.stream().allMatch(n -> n.leadership().equals(
                        new Leadership(Role.FOLLOWER, Optional.of("intruder"), 99))));
        await("its lease runs down untouched by renewals").during(Duration.ofMillis(TTL)).atMost(Duration.ofMillis(2 * TTL))
                .until(() -> jedis.pttl(CLUSTER.keys().leaderKey()) <= 5_000 - (System.nanoTime() - overwritten) / 1_000_000 + 5);
    }

    @Test
    void anEpochSeenAboveTheLeadersMakesItStepDownAtOnceAndTheNextWinGoesAboveIt() {
        List<TestNode> three = three();
        try (Timeline timeline = new Timeline(three)) {
            TestNode leader = agreedLeader(three, Duration.ofSeconds(3));
            long seen = leader.leadership().epoch() + 21; // e.g. a Raft epoch (odd)

            leader.elector.epochSeen(seen);

            assertThat(leader.leads()).as("epochSeen() does not block, and the leader answers below it no more").isFalse();
            await("a new leadership above the epoch seen").atMost(Duration.ofMillis(2 * TTL))
                    .until(() -> agreed(three).map(n -> n.leadership().epoch() > seen).orElse(false));
            assertThat(agreed(three).orElseThrow().leadership().epoch()).isEqualTo(seen + 1);
            assertThat(timeline.overlaps()).isEmpty();
        }
    }

    @Test
    void aFollowersEpochSeenRaisesTheEpochKeySoAWinnerThatNeverSawItStillGoesAbove() {
        List<TestNode> three = three();
        TestNode leader = agreedLeader(three, Duration.ofSeconds(3));
        TestNode follower = three.stream().filter(n -> n != leader).findFirst().orElseThrow();
        TestNode last = three.stream().filter(n -> n != leader && n != follower).findFirst().orElseThrow();

        follower.elector.epochSeen(101);
        await("the epoch key raised").atMost(Duration.ofMillis(TTL)).until(() -> "101".equals(jedis.get(CLUSTER.keys().epochKey())));
        follower.close();
        leader.close();

        assertThat(last.highest.get()).as("the last node never saw 101").isLessThan(101);
        agreedLeader(List.of(last), Duration.ofMillis(TTL));
        assertThat(last.leadership().epoch()).isEqualTo(102);
    }

    @Test
    void aLeaderWhoseNodeHasSeenAHigherEpochStopsAnsweringLeaderAtOnceAndWinsAgainAboveIt() {
        List<TestNode> three = three();
        TestNode leader = agreedLeader(three, Duration.ofSeconds(3));
        long epoch = leader.leadership().epoch();

        leader.highest.set(epoch + 5); // the node learnt a higher epoch elsewhere (its checkpoint)

        assertThat(leader.leads()).isFalse();
        await("a leadership above it, whoever wins").atMost(Duration.ofMillis(2 * TTL))
                .until(() -> agreed(three).map(n -> n.leadership().epoch() > epoch + 5).orElse(false));
        assertThat(Long.parseLong(jedis.get(CLUSTER.keys().epochKey()))).isGreaterThan(epoch + 5);
    }

    @Test
    void theListenerHearsEveryChangeInOrderOnTheElectorsOwnThread() {
        List<TestNode> three = three();
        TestNode leader = agreedLeader(three, Duration.ofSeconds(3));
        await("the leader told it leads").atMost(Duration.ofMillis(TTL))
                .until(() -> leader.events.getLast().leadership().role() == Role.LEADER);
        leader.elector.resign();
        agreedLeader(three, Duration.ofSeconds(2));
        await("the old leader told it follows").atMost(Duration.ofMillis(TTL))
                .until(() -> leader.events.getLast().leadership().role() == Role.FOLLOWER);

        for (TestNode node : three) {
            assertThat(node.events).isNotEmpty()
                    .allMatch(e -> e.thread().equals("storelog-redis-elector-" + node.id), "on the elector's thread");
            assertThat(node.events).extracting(TestNode.Event::nanos).isSorted();
            for (int i = 1; i < node.events.size(); i++) {
                TestNode.Event before = node.events.get(i - 1);
                TestNode.Event after = node.events.get(i);
                assertThat(after.leadership().equals(before.leadership()) && after.usable() == before.usable())
                        .as("each event is a change").isFalse();
            }
        }
        assertThat(leader.events).extracting(e -> e.leadership().role())
                .containsSubsequence(Role.LEADER, Role.CANDIDATE, Role.FOLLOWER);
    }
}
