package storelog.elector.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static storelog.elector.redis.Cluster.TTL;
import static storelog.elector.redis.Cluster.agreedLeader;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;
import storelog.api.spi.Leadership.Role;

/** Starting, closing, and the edges: an elector closed early, twice, from its own listener; epochs Lua cannot count. */
class ElectorLifecycleTest {

    @RegisterExtension
    static final Cluster CLUSTER = Cluster.sharedRedis();

    private final Jedis jedis = CLUSTER.jedis();

    @Test
    void anElectorClosedBeforeItStartedOrTwiceDoesNothingMore() {
        TestNode never = CLUSTER.open("n1", 0);
        never.close();
        never.close();
        assertThatThrownBy(never::start).isInstanceOf(IllegalStateException.class);

        try (TestNode twice = CLUSTER.open("n2", 0)) {
            twice.start();
            assertThatThrownBy(twice::start).isInstanceOf(IllegalStateException.class);
        }
    }

    @Test
    void aLeaderClosedFromItsOwnListenerReleasesTheLeaseWithoutWaitingForItself() {
        CompletableFuture<Void> closed = new CompletableFuture<>();
        TestNode node = CLUSTER.open("n1", 0);
        node.elector.start(e -> {
            if (e.leadership().role() == Role.LEADER) {
                e.close();
                closed.complete(null);
            }
        });
        node.elector.activate();

        await("closed on its own thread").atMost(Duration.ofMillis(4 * TTL)).until(closed::isDone);
        await("the lease released").atMost(Duration.ofMillis(TTL)).until(() -> !jedis.exists(CLUSTER.keys().leaderKey()));
        assertThat(node.leadership().role()).isEqualTo(Role.CANDIDATE);
    }

    @Test
    void aNodeWhoseHighestEpochLuaCannotCountExactlyNeverCampaignsInsteadOfIssuingARoundedEpoch() {
        try (TestNode node = CLUSTER.campaigning("n1", LeaseScripts.MAX_EPOCH)) {
            await("Redis answers").atMost(Duration.ofMillis(TTL)).until(node.elector::usable);
            await("no campaign").during(Duration.ofMillis(TTL)).atMost(Duration.ofMillis(2 * TTL))
                    .until(() -> !jedis.exists(CLUSTER.keys().leaderKey()) && !node.leads());
        }
    }

    @Test
    void aNodeFindingALeaseInItsOwnNameFromAnEarlierRunWaitsForItToExpireRatherThanLeadOrFollowItself() {
        jedis.psetex(CLUSTER.keys().leaderKey(), 800, "n1 6 127.0.0.1:9999"); // the node's previous run, which crashed
        jedis.set(CLUSTER.keys().epochKey(), "6");
        try (TestNode node = CLUSTER.campaigning("n1", 6)) {
            await("Redis answers").atMost(Duration.ofMillis(TTL)).until(node.elector::usable);
            assertThat(node.leadership().role()).isEqualTo(Role.CANDIDATE);

            agreedLeader(List.of(node), Duration.ofMillis(2 * TTL));
            assertThat(node.leadership().epoch()).isEqualTo(8);
        }
    }
}
