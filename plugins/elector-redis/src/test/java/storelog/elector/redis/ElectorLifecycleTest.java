package storelog.elector.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static storelog.elector.redis.ElectionTest.TTL;
import static storelog.elector.redis.ElectionTest.agreedLeader;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import redis.clients.jedis.Jedis;
import storelog.api.Settings;
import storelog.api.spi.Leadership.Role;
import storelog.testkit.RedisServer;
import storelog.testkit.TestData;

/** Starting, closing, and the edges: an elector closed early, twice, from its own listener; epochs Lua cannot count. */
class ElectorLifecycleTest {

    private static RedisServer redis;
    private static Jedis jedis;
    private Map<String, String> settings;
    private RedisSettings keys;
    private Path dir;

    @BeforeAll
    static void startRedis() {
        redis = RedisServer.start(TestData.directory(ElectorLifecycleTest.class, "redis"));
        jedis = new Jedis("127.0.0.1", redis.port());
    }

    @AfterAll
    static void stopRedis() {
        jedis.close();
        redis.close();
    }

    @BeforeEach
    void cluster(TestInfo test) {
        dir = TestData.directory(test);
        settings = TestNode.settings(redis.address(), TTL, test.getTestMethod().orElseThrow().getName());
        keys = RedisSettings.from(Settings.of(settings));
    }

    @Test
    void anElectorClosedBeforeItStartedOrTwiceDoesNothingMore() {
        TestNode never = TestNode.open("n1", settings, 0, dir);
        never.close();
        never.close();
        assertThatThrownBy(never::start).isInstanceOf(IllegalStateException.class);

        try (TestNode twice = TestNode.open("n2", settings, 0, dir)) {
            twice.start();
            assertThatThrownBy(twice::start).isInstanceOf(IllegalStateException.class);
        }
    }

    @Test
    void aLeaderClosedFromItsOwnListenerReleasesTheLeaseWithoutWaitingForItself() {
        CompletableFuture<Void> closed = new CompletableFuture<>();
        TestNode node = TestNode.open("n1", settings, 0, dir);
        node.elector.start(e -> {
            if (e.leadership().role() == Role.LEADER) {
                e.close();
                closed.complete(null);
            }
        });
        node.elector.activate();

        await("closed on its own thread").atMost(Duration.ofMillis(4 * TTL)).until(closed::isDone);
        await("the lease released").atMost(Duration.ofMillis(TTL)).until(() -> !jedis.exists(keys.leaderKey()));
        assertThat(node.leadership().role()).isEqualTo(Role.CANDIDATE);
    }

    @Test
    void aNodeWhoseHighestEpochLuaCannotCountExactlyNeverCampaignsInsteadOfIssuingARoundedEpoch() {
        try (TestNode node = TestNode.campaigning("n1", settings, LeaseScripts.MAX_EPOCH, dir)) {
            await("Redis answers").atMost(Duration.ofMillis(TTL)).until(node.elector::usable);
            await("no campaign").during(Duration.ofMillis(TTL)).atMost(Duration.ofMillis(2 * TTL))
                    .until(() -> !jedis.exists(keys.leaderKey()) && !node.leads());
        }
    }

    @Test
    void aNodeFindingALeaseInItsOwnNameFromAnEarlierRunWaitsForItToExpireRatherThanLeadOrFollowItself() {
        jedis.psetex(keys.leaderKey(), 800, "n1 6 127.0.0.1:9999"); // the node's previous run, which crashed
        jedis.set(keys.epochKey(), "6");
        try (TestNode node = TestNode.campaigning("n1", settings, 6, dir)) {
            await("Redis answers").atMost(Duration.ofMillis(TTL)).until(node.elector::usable);
            assertThat(node.leadership().role()).isEqualTo(Role.CANDIDATE);

            agreedLeader(List.of(node), Duration.ofMillis(2 * TTL));
            assertThat(node.leadership().epoch()).isEqualTo(8);
        }
    }
}
