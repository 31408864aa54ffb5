package storelog.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import storelog.testkit.RedisServer;
import storelog.testkit.TestData;

/**
 * Three nodes from the built image on loopback, with a private Redis per test (issue 8, "How it is
 * proven"): election through Redis, failover after SIGKILL, a paused leader fenced, Redis lost and
 * Raft taking over. {@code LEADER_TTL} is 1.5 s so each test stays within seconds.
 */
class ClusterElectionIT {

    private static final long TTL = 1500;
    private static final Duration FAILOVER = Duration.ofMillis(2 * TTL + 3000); // 2 × LEADER_TTL, plus a process's detection slack

    private Path dir;
    private RedisServer redis;
    private TestCluster cluster;

    @BeforeEach
    void setUp(TestInfo test) {
        dir = TestData.directory(test);
        redis = RedisServer.start(dir.resolve("redis"));
    }

    @AfterEach
    void tearDown() {
        if (cluster != null) {
            cluster.close();
        }
        redis.close();
    }

    private TestCluster cluster(int size) {
        cluster = TestCluster.of(dir, size, Map.of("REDIS_ADDR", redis.address(), "LEADER_TTL", Long.toString(TTL)));
        return cluster.start();
    }

    @Test
    void threeNodesAgreeOnOneLeaderThroughRedisAndEachSeesThreeMembers() {
        cluster(3);

        ImageNode leader = cluster.awaitOneLeader(cluster.nodes(), Duration.ofSeconds(30));

        Map<String, JsonNode> statuses = cluster.await("three members everywhere", Duration.ofSeconds(20),
                all -> all.size() == 3 && all.values().stream().allMatch(s -> s.path("members").size() == 3));
        for (JsonNode s : statuses.values()) {
            assertThat(s.path("elector").asText()).isEqualTo("redis");
            assertThat(s.path("leader_id").asText()).isEqualTo(leader.id());
            assertThat(s.path("leader_http").asText()).isEqualTo(leader.http());
            assertThat(s.path("epoch").asLong()).isPositive().isEven(); // Redis issues the even epochs of redis,raft
        }
    }

    @Test
    void aKilledLeaderIsReplacedWithAHigherEpochAndRejoinsAsAFollower() {
        cluster(3);
        ImageNode first = cluster.awaitOneLeader(cluster.nodes(), Duration.ofSeconds(30));
        long epoch = first.status().path("epoch").asLong();

        first.kill();
        long killed = System.nanoTime();
        ImageNode second = cluster.awaitOneLeader(cluster.others(first), FAILOVER);
        long failover = (System.nanoTime() - killed) / 1_000_000;

        assertThat(second).isNotSameAs(first);
        assertThat(second.status().path("epoch").asLong()).isGreaterThan(epoch);
        System.out.println("failover after SIGKILL of the leader: " + failover + " ms");

        first.start().awaitPort();
        cluster.await(first.id() + " follows " + second.id(), Duration.ofSeconds(30), all -> all.containsKey(first.id())
                && all.get(first.id()).path("role").asText().equals("follower")
                && all.get(first.id()).path("leader_id").asText().equals(second.id()));
    }

    @Test
    void aLeaderPausedPastItsLeaseLearnsItWasDeposedAndNoTwoNodesLeadWithOneEpoch() throws Exception {
        cluster(3);
        ImageNode first = cluster.awaitOneLeader(cluster.nodes(), Duration.ofSeconds(30));
        try (LeaderSampler sampler = new LeaderSampler(cluster)) {
            first.pause();
            ImageNode second = cluster.awaitOneLeader(cluster.others(first), FAILOVER);
            first.resume();

            cluster.await(first.id() + " steps down", Duration.ofSeconds(10), all -> all.containsKey(first.id())
                    && !all.get(first.id()).path("role").asText().equals("leader")
                    && all.get(first.id()).path("leader_id").asText("").equals(second.id()));
            sampler.close();
            assertThat(sampler.epochsWithTwoLeaders()).isEmpty();
            sampler.epochsPerNode().values().forEach(epochs -> assertThat(epochs).isSorted());
        }
    }

    @Test
    void whenRedisDiesRaftTakesOverWithoutLoweringAnyEpochAndAKilledRaftLeaderIsReplaced() throws Exception {
        cluster(3);
        cluster.awaitOneLeader(cluster.nodes(), Duration.ofSeconds(30));
        try (LeaderSampler sampler = new LeaderSampler(cluster)) {
            redis.kill();

            Map<String, JsonNode> raft = cluster.await("raft takes over", Duration.ofSeconds(30), all -> all.size() == 3
                    && all.values().stream().allMatch(s -> s.path("elector").asText().equals("raft")));
            ImageNode raftLeader = cluster.awaitOneLeader(cluster.nodes(), Duration.ofSeconds(20));
            assertThat(raftLeader.status().path("epoch").asLong()).isOdd();

            raftLeader.kill();
            ImageNode next = cluster.awaitOneLeader(cluster.others(raftLeader), Duration.ofSeconds(20));
            assertThat(next.status().path("elector").asText()).isEqualTo("raft");

            sampler.close();
            assertThat(sampler.epochsWithTwoLeaders()).isEmpty();
            sampler.epochsPerNode().values().forEach(epochs -> assertThat(epochs).isSorted());
            assertThat(raft).isNotEmpty();
        }
    }

    @Test
    void whenRedisComesBackTheClusterHandsBackToItAboveTheRaftEpoch() {
        cluster(3);
        cluster.awaitOneLeader(cluster.nodes(), Duration.ofSeconds(30));
        redis.kill();
        cluster.await("raft takes over", Duration.ofSeconds(30), all -> all.size() == 3
                && all.values().stream().allMatch(s -> s.path("elector").asText().equals("raft") && s.path("role").asText().matches("leader|follower")));
        long raftEpoch = cluster.awaitOneLeader(cluster.nodes(), Duration.ofSeconds(20)).status().path("epoch").asLong();

        redis.restart();

        cluster.await("redis leads again", Duration.ofSeconds(40), all -> all.size() == 3
                && all.values().stream().allMatch(s -> s.path("elector").asText().equals("redis")));
        ImageNode leader = cluster.awaitOneLeader(cluster.nodes(), Duration.ofSeconds(30));
        assertThat(leader.status().path("epoch").asLong()).isGreaterThan(raftEpoch).isEven();
    }

    @Test
    void aPublishOnAFollowerAnswers503WithTheLeadersAddressAndReadsWorkEverywhere() {
        cluster(3);
        ImageNode leader = cluster.awaitOneLeader(cluster.nodes(), Duration.ofSeconds(30));
        ImageNode follower = cluster.others(leader).getFirst();
        cluster.await("the follower knows the leader's address", Duration.ofSeconds(20),
                all -> leader.http().equals(all.get(follower.id()).path("leader_http").asText()));

        HttpResponse<String> answer = follower.post("/publish", "{\"data\":1,\"data_type\":0,\"partition_key\":\"k\"}");

        assertThat(answer.statusCode()).isEqualTo(503);
        assertThat(answer.body()).contains("\"code\":\"not_leader\"").contains("\"leader_http\":\"" + leader.http() + "\"");
        assertThat(answer.headers().firstValue("Location")).hasValueSatisfying(l -> assertThat(l).contains(leader.http()));
        HttpResponse<String> batch = follower.post("/publish/batch", "{\"partition_key\":\"k\",\"records\":[{\"data\":1}]}");
        assertThat(batch.statusCode()).isEqualTo(503);
        assertThat(leader.post("/publish", "{\"data\":1,\"data_type\":0,\"partition_key\":\"k\"}").statusCode()).isEqualTo(200);
    }

    @Test
    void aNodeWithAnotherSecretNeitherJoinsNorTakesPartInTheElection() {
        cluster(3);
        ImageNode first = cluster.awaitOneLeader(cluster.nodes(), Duration.ofSeconds(30));
        ImageNode intruder = new ImageNode("intruder", dir.resolve("intruder"), withSecret(first.env(), "wrong"));
        try (intruder) {
            intruder.start().awaitPort();
            awaitLog(intruder, "joined cluster");

            first.kill(); // the intruder shares Redis and the cluster name: it must still not win
            ImageNode second = cluster.awaitOneLeader(cluster.others(first), FAILOVER);

            Map<String, JsonNode> statuses = cluster.statuses();
            assertThat(statuses.values()).allSatisfy(s -> {
                assertThat(s.path("leader_id").asText()).isEqualTo(second.id());
                assertThat(s.path("members").findValuesAsText("node_id")).doesNotContain("intruder");
            });
            assertThat(intruder.status().path("members").findValuesAsText("node_id")).containsExactly("intruder");
        }
    }

    private static void awaitLog(ImageNode node, String text) {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!node.logOfThisRun().contains(text)) {
            assertThat(System.nanoTime()).as(node + " logs \"" + text + "\"").isLessThan(deadline);
            TestCluster.pause(50);
        }
    }

    private static Map<String, String> withSecret(Map<String, String> env, String secret) {
        Map<String, String> copy = new java.util.HashMap<>(env);
        copy.put("CLUSTER_SECRET", secret);
        copy.put("BIND_ADDR", "127.0.0.1:" + TestCluster.freePorts(1)[0]);
        copy.put("ADVERTISE_ADDR", copy.get("BIND_ADDR"));
        copy.put("RAFT_PORT", Integer.toString(TestCluster.freePorts(1)[0]));
        copy.remove("DATA_DIR");
        return copy;
    }
}
