package storelog.elector.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static storelog.elector.redis.Cluster.TTL;
import static storelog.elector.redis.Cluster.agreedLeader;
import static storelog.elector.redis.Cluster.until;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import storelog.api.spi.Leadership.Role;

/**
 * Redis hangs (SIGSTOP), dies (SIGKILL), comes back without its data, or is not there at start: the
 * leader steps down before its lease can have expired in Redis, nobody else leads meanwhile, and the
 * next leadership has a higher epoch. Each test has its own redis-server, which it breaks.
 */
class RedisOutageTest {

    private static final long MS = 1_000_000;
    /** The lease deadline after the last confirming command was sent: TTL − 1 % − 100 ms. */
    private static final long DEADLINE_MS = TTL - TTL / 100 - 100;

    @RegisterExtension
    static final Cluster CLUSTER = Cluster.ownRedis();

    @Test
    void aLeaderStepsDownBeforeItsLeaseCouldExpireWhileRedisHangsAndNobodyLeadsUntilItExpired() {
        List<TestNode> three = CLUSTER.three(0);
        try (Timeline timeline = new Timeline(three)) {
            TestNode leader = agreedLeader(three, Duration.ofSeconds(4));
            long epoch = leader.leadership().epoch();

            long paused = System.nanoTime();
            CLUSTER.redis().pause();
            await("the leader steps down").atMost(Duration.ofMillis(TTL)).pollInterval(Duration.ofMillis(1))
                    .until(() -> timeline.endedLeading(leader.id, epoch));
            Timeline.Sample lastLed = timeline.lastLeading(epoch).orElseThrow();
            assertThat((lastLed.before() - paused) / MS).as("its last renewal was sent before the pause")
                    .isLessThan(DEADLINE_MS);
            await("nobody is usable").atMost(Duration.ofMillis(TTL)).until(() -> three.stream().noneMatch(n -> n.elector.usable()));
            until(paused + (TTL + 200) * MS); // the lease expires in Redis' clock while it hangs
            assertThat(timeline.firstLeaderOtherThan(epoch, paused)).as("no leader while Redis hangs").isEmpty();
            CLUSTER.redis().resume();

            TestNode next = agreedLeader(three, Duration.ofMillis(2 * TTL));
            long nextEpoch = next.leadership().epoch();
            await().atMost(Duration.ofMillis(TTL)).until(() -> timeline.firstLeaderOtherThan(epoch, paused).isPresent());
            assertThat(nextEpoch).isGreaterThan(epoch).isEven();
            assertThat(timeline.firstLeaderOtherThan(epoch, paused).orElseThrow().sample().before())
                    .as("the old leader answered LEADER for the last time before the new one did for the first")
                    .isGreaterThan(lastLed.after());
            assertThat(timeline.overlaps()).isEmpty();
        }
    }

    @Test
    void aLeaderStepsDownWhenRedisDiesAndTheWinnerOnTheRestartedEmptyRedisHoldsOneTtlAndGoesAboveEveryEpochSeen() {
        List<TestNode> three = CLUSTER.three(0);
        try (Timeline timeline = new Timeline(three)) {
            TestNode first = agreedLeader(three, Duration.ofSeconds(4));
            first.elector.resign(); // a few leaderships, so the nodes have seen different epochs
            TestNode second = agreedLeader(three, Duration.ofSeconds(2));
            long epoch = second.leadership().epoch();
            await("every node has seen it").atMost(Duration.ofMillis(TTL)).until(() -> three.stream().allMatch(n -> n.highest.get() == epoch));
            long highestSeen = epoch;

            long killed = System.nanoTime();
            CLUSTER.redis().kill();
            await("the leader steps down").atMost(Duration.ofMillis(TTL)).pollInterval(Duration.ofMillis(1))
                    .until(() -> timeline.endedLeading(second.id, epoch));
            assertThat((timeline.lastLeading(epoch).orElseThrow().before() - killed) / MS).isLessThan(DEADLINE_MS);
            await("nobody is usable").atMost(Duration.ofMillis(TTL)).until(() -> three.stream().noneMatch(n -> n.elector.usable()));

            long restarted = System.nanoTime();
            CLUSTER.redis().restart(); // no persistence: the lease and the epoch key are gone
            TestNode next = agreedLeader(three, Duration.ofMillis(3 * TTL));
            await().atMost(Duration.ofMillis(TTL)).until(() -> timeline.firstLeaderOtherThan(epoch, restarted).isPresent());
            long led = timeline.firstLeaderOtherThan(epoch, restarted).orElseThrow().sample().after();

            assertThat((led - restarted) / MS).as("the winner holds the lease one TTL before it leads").isGreaterThanOrEqualTo(TTL);
            assertThat(next.leadership().epoch()).isGreaterThan(highestSeen).isEven();
            assertThat(timeline.overlaps()).isEmpty();
        }
    }

    @Test
    void startingWithRedisDownNeitherFailsNorLeadsAndTheElectorWinsOnceRedisComesUp() {
        CLUSTER.redis().kill();

        List<TestNode> three = List.of(CLUSTER.open("n1", 7), CLUSTER.open("n2", 7), CLUSTER.open("n3", 7));
        long starting = System.nanoTime();
        for (TestNode node : three) {
            node.start();
            node.elector.activate();
        }
        assertThat((System.nanoTime() - starting) / MS).as("three start() calls, class loading included").isLessThan(TTL);

        await("each elector has tried Redis").atMost(Duration.ofMillis(TTL))
                .until(() -> three.stream().allMatch(n -> !n.events.isEmpty()));
        assertThat(three).allSatisfy(n -> {
            assertThat(n.elector.usable()).isFalse();
            assertThat(n.leadership().role()).isEqualTo(Role.CANDIDATE);
            assertThat(n.events.getLast().usable()).isFalse();
        });

        CLUSTER.redis().restart();

        TestNode leader = agreedLeader(three, Duration.ofMillis(3 * TTL));
        assertThat(leader.leadership().epoch()).isEqualTo(8);
        assertThat(three).allMatch(n -> n.elector.usable());
    }
}
