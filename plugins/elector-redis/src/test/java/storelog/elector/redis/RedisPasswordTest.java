package storelog.elector.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static storelog.elector.redis.Cluster.TTL;
import static storelog.elector.redis.Cluster.agreedLeader;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import storelog.api.spi.Leadership.Role;
import storelog.testkit.RedisServer;
import storelog.testkit.TestData;

/** REDIS_PASSWORD: a Redis that requires a password is used with it, and refuses an elector without it. */
class RedisPasswordTest {

    private static final String PASSWORD = "correct-horse-battery";

    private RedisServer redis;
    private Path dir;
    private TestNode node;

    @BeforeEach
    void startRedis(TestInfo test) {
        dir = TestData.directory(test);
        redis = RedisServer.start(dir, "--requirepass", PASSWORD);
    }

    @AfterEach
    void stop() {
        node.close();
        redis.close();
    }

    private TestNode campaigning(Map<String, String> extra) {
        Map<String, String> settings = new HashMap<>(Map.of("REDIS_ADDR", redis.address(), "LEADER_TTL", Long.toString(TTL)));
        settings.putAll(extra);
        node = TestNode.open("n1", settings, 0, dir);
        node.start();
        node.elector.activate();
        return node;
    }

    @Test
    void withTheRightPasswordTheElectorWins() {
        TestNode elector = campaigning(Map.of("REDIS_PASSWORD", PASSWORD));

        agreedLeader(List.of(elector), Duration.ofMillis(3 * TTL));
        assertThat(elector.elector.usable()).isTrue();
    }

    @Test
    void withoutItOrWithAWrongOneTheElectorIsNotUsableAndNeverLeads() {
        TestNode elector = campaigning(Map.of("REDIS_PASSWORD", "wrong"));

        await("it tried").atMost(Duration.ofMillis(TTL)).until(() -> !elector.events.isEmpty());
        await("refused, again and again").during(Duration.ofMillis(TTL)).atMost(Duration.ofMillis(2 * TTL))
                .until(() -> !elector.elector.usable() && elector.leadership().role() == Role.CANDIDATE);
    }
}
