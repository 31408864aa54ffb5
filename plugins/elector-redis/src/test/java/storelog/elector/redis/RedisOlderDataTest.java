package storelog.elector.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static storelog.elector.redis.Cluster.TTL;
import static storelog.elector.redis.Cluster.agreedLeader;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;

/**
 * Redis comes back with data older than what the nodes have seen (a restore of an old snapshot, a
 * replica that was behind) while the leader still holds its lease — it cannot reach Redis for a
 * moment, so it leads until its deadline. Whoever wins on that Redis must not lead before that
 * deadline (no two nodes answer LEADER at once), and its epoch is above every epoch seen.
 */
class RedisOlderDataTest {

    @RegisterExtension
    static final Cluster CLUSTER = Cluster.ownRedis();

    private final CountDownLatch release = new CountDownLatch(1);

    @AfterEach
    void unblock() {
        release.countDown();
    }

    private void blockUntilReleased() {
        try {
            release.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void anEpochKeyBelowWhatTheWinnerHasSeenMakesItHoldTheLeaseOneTtl() {
        List<TestNode> three = CLUSTER.three(0);
        try (Timeline timeline = new Timeline(three)) {
            TestNode leader = agreedLeader(three, Duration.ofSeconds(4));
            long epoch = leader.leadership().epoch();
            await("every node has seen it").atMost(Duration.ofMillis(TTL)).until(() -> three.stream().allMatch(n -> n.highest.get() == epoch));

            leader.elector.onIoThread(this::blockUntilReleased); // it leads on until its deadline
            CLUSTER.jedis().set(CLUSTER.keys().epochKey(), "0"); // older data: the lease gone, the epoch key lower
            CLUSTER.jedis().del(CLUSTER.keys().leaderKey());

            TestNode next = agreedLeaderAmong(three, leader);
            assertThat(next.leadership().epoch()).isGreaterThan(epoch).isEven();
            assertThat(timeline.overlaps()).as("two nodes answered LEADER at once").isEmpty();
        }
    }

    @Test
    void aRestartedRedisWhoseEpochKeyEqualsTheSeenEpochMakesTheWinnerHoldTheLeaseOneTtl() {
        List<TestNode> three = CLUSTER.three(0);
        try (Timeline timeline = new Timeline(three)) {
            TestNode leader = agreedLeader(three, Duration.ofSeconds(4));
            long epoch = leader.leadership().epoch();
            await("every node has seen it").atMost(Duration.ofMillis(TTL)).until(() -> three.stream().allMatch(n -> n.highest.get() == epoch));

            leader.elector.onIoThread(this::blockUntilReleased); // it leads on until its deadline
            CLUSTER.redis().restart(); // a snapshot taken after that win, restored after the lease expired in it
            try (Jedis jedis = new Jedis("127.0.0.1", CLUSTER.redis().port())) {
                jedis.set(CLUSTER.keys().epochKey(), Long.toString(epoch));
            }

            TestNode next = agreedLeaderAmong(three, leader);
            assertThat(next.leadership().epoch()).isGreaterThan(epoch).isEven();
            assertThat(timeline.overlaps()).as("two nodes answered LEADER at once").isEmpty();
        }
    }

    private TestNode agreedLeaderAmong(List<TestNode> three, TestNode blocked) {
        List<TestNode> others = three.stream().filter(n -> n != blocked).toList();
        TestNode next = agreedLeader(others, Duration.ofMillis(3 * TTL));
        release.countDown();
        return next;
    }
}
