package storelog.elector.redis;

import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import redis.clients.jedis.Jedis;
import storelog.api.Settings;
import storelog.api.spi.Leadership;
import storelog.api.spi.Leadership.Role;
import storelog.testkit.RedisServer;
import storelog.testkit.TestData;

/**
 * The test fixture of the elector tests (registered as a static extension): a private redis-server —
 * one per test class, or a fresh one per test for the tests that break it — a Jedis client to look at
 * the keys, the running test's cluster (named after the test, {@code LEADER_TTL} = {@value #TTL} ms),
 * and the nodes the test opens, closed after it.
 */
final class Cluster implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback, AfterEachCallback {

    static final long TTL = 1000;

    private final boolean redisPerTest;
    private final List<TestNode> nodes = new ArrayList<>();
    private RedisServer redis;
    private Jedis jedis;
    private Map<String, String> settings;
    private Path dir;

    private Cluster(boolean redisPerTest) {
        this.redisPerTest = redisPerTest;
    }

    /** One Redis for the whole test class; each test has a cluster of its own in it. */
    static Cluster sharedRedis() {
        return new Cluster(false);
    }

    /** A fresh Redis for each test, which the test may stop, kill, pause or restart. */
    static Cluster ownRedis() {
        return new Cluster(true);
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        if (!redisPerTest) {
            startRedis(TestData.directory(context.getRequiredTestClass(), "redis"));
        }
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        String test = context.getRequiredTestMethod().getName();
        String run = context.getDisplayName().startsWith("[") ? "-" + context.getDisplayName().replaceAll("[^0-9]+", "") : "";
        dir = TestData.directory(context.getRequiredTestClass(), test + run);
        if (redisPerTest) {
            startRedis(dir);
        }
        settings = Map.of("REDIS_ADDR", redis.address(), "LEADER_TTL", Long.toString(TTL), "SERVICE_NAME", test);
    }

    @Override
    public void afterEach(ExtensionContext context) {
        nodes.forEach(TestNode::close);
        nodes.clear();
        if (redisPerTest) {
            stopRedis();
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (!redisPerTest) {
            stopRedis();
        }
    }

    private void startRedis(Path redisDir) {
        redis = RedisServer.start(redisDir);
        jedis = new Jedis("127.0.0.1", redis.port());
    }

    private void stopRedis() {
        jedis.close();
        redis.close();
    }

    RedisServer redis() {
        return redis;
    }

    /** A client of the test's Redis. */
    Jedis jedis() {
        return jedis;
    }

    /** REDIS_ADDR, LEADER_TTL and SERVICE_NAME of the running test. */
    Map<String, String> settings() {
        return settings;
    }

    /** The keys of the running test's cluster. */
    RedisSettings keys() {
        return RedisSettings.from(Settings.of(settings));
    }

    Path dir() {
        return dir;
    }

    /** Node {@code id}, opened but not started; closed after the test. */
    TestNode open(String id, long highestSeen) {
        TestNode node = TestNode.open(id, settings, highestSeen, dir);
        nodes.add(node);
        return node;
    }

    /** Node {@code id}, started and campaigning; closed after the test. */
    TestNode campaigning(String id, long highestSeen) {
        TestNode node = open(id, highestSeen);
        node.start();
        node.elector.activate();
        return node;
    }

    /** Nodes n1, n2, n3, campaigning, each having seen {@code highestSeen}. */
    List<TestNode> three(long highestSeen) {
        return List.of(campaigning("n1", highestSeen), campaigning("n2", highestSeen), campaigning("n3", highestSeen));
    }

    /** Waits until exactly one of {@code among} leads and every other one follows it; returns the leader. */
    static TestNode agreedLeader(List<TestNode> among, Duration within) {
        await("one leader, followed by the others").atMost(within).pollInterval(Duration.ofMillis(5))
                .until(() -> agreed(among).isPresent());
        return agreed(among).orElseThrow();
    }

    /** The leader of {@code among} if exactly one leads and all the others follow it with its epoch. */
    static Optional<TestNode> agreed(List<TestNode> among) {
        List<TestNode> leaders = among.stream().filter(TestNode::leads).toList();
        if (leaders.size() != 1) {
            return Optional.empty();
        }
        TestNode leader = leaders.get(0);
        Leadership followed = new Leadership(Role.FOLLOWER, Optional.of(leader.id), leader.leadership().epoch());
        boolean all = among.stream().filter(n -> n != leader).allMatch(n -> n.leadership().equals(followed));
        return all && leader.leads() ? Optional.of(leader) : Optional.empty();
    }

    /** Waits until {@code instant} (monotonic) has passed: a scenario's duration, not a synchronisation. */
    static void until(long instant) {
        await().atMost(Duration.ofNanos(Math.max(0, instant - System.nanoTime())).plusSeconds(1))
                .pollInterval(Duration.ofMillis(2)).until(() -> System.nanoTime() - instant > 0);
    }
}
