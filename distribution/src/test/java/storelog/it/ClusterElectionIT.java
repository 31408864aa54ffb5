package storelog.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import storelog.api.DataType;
import storelog.client.StoreLogClient;
import storelog.testkit.RedisServer;
import storelog.testkit.TestData;

/**
 * Three nodes from the built image on loopback with a private Redis (issue 8, "How it is proven"):
 * election through Redis, failover after SIGKILL, a paused leader fenced, Redis lost and Raft taking
 * over, Redis back. {@code LEADER_TTL} is 1.5 s. Starting three image JVMs is the expensive part on
 * two cores, so each test is one cluster's life: its steps build on each other and run in order, and
 * a failure names the step.
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
        cluster = TestCluster.of(dir, 3, Map.of("REDIS_ADDR", redis.address(), "LEADER_TTL", Long.toString(TTL))).start();
    }

    @AfterEach
    void tearDown() {
        cluster.close();
        redis.close();
    }

    /**
     * Election, the follower's answer to writes, the client following the leader, an intruder with
     * another secret, failover after SIGKILL and the old leader's return, a paused leader deposed.
     */
    @Test
    void aRedisLedClusterElectsFailsOverAndFencesAPausedLeader() throws Exception {
        ImageNode first = threeNodesAgreeOnOneLeaderThroughRedisAndEachSeesThreeMembers();
        aPublishOnAFollowerAnswers503WithTheLeadersAddressAndReadsWorkEverywhere(first);
        theJavaClientFollowsTheLeader(first);
        ImageNode second = aKilledLeaderIsReplacedWithAHigherEpochEvenWithAnIntruderAround(first);
        theKilledLeaderRejoinsAsAFollower(first, second);
        aLeaderPausedPastItsLeaseLearnsItWasDeposedAndNoTwoNodesLeadWithOneEpoch(second);
    }

    /** Redis lost: Raft takes over above every epoch seen; a killed Raft leader is replaced; Redis back leads again. */
    @Test
    void whenRedisDiesRaftTakesOverAndWhenItComesBackRedisLeadsAboveTheRaftEpoch() throws Exception {
        cluster.awaitOneLeader(cluster.nodes(), Duration.ofSeconds(30));
        long raftEpoch;
        try (LeaderSampler sampler = new LeaderSampler(cluster)) {
            redis.kill();

            cluster.await("raft takes over", Duration.ofSeconds(30), all -> all.size() == 3
                    && all.values().stream().allMatch(s -> s.path("elector").asText().equals("raft")));
            ImageNode raftLeader = cluster.awaitOneLeader(cluster.nodes(), Duration.ofSeconds(20));
            assertThat(raftLeader.status().path("epoch").asLong()).isOdd();

            raftLeader.kill();
            ImageNode next = cluster.awaitOneLeader(cluster.others(raftLeader), Duration.ofSeconds(20));
            assertThat(next.status().path("elector").asText()).isEqualTo("raft");
            raftEpoch = next.status().path("epoch").asLong();

            raftLeader.start().awaitPort();
            cluster.await(raftLeader.id() + " rejoins under raft", Duration.ofSeconds(30), all -> all.size() == 3
                    && all.values().stream().allMatch(s -> s.path("elector").asText().equals("raft")
                    && s.path("role").asText().matches("leader|follower")));

            sampler.close();
            assertThat(sampler.epochsWithTwoLeaders()).isEmpty();
            sampler.epochsPerNode().values().forEach(epochs -> assertThat(epochs).isSorted());
        }

        redis.restart();

        cluster.await("redis leads again", Duration.ofSeconds(40), all -> all.size() == 3
                && all.values().stream().allMatch(s -> s.path("elector").asText().equals("redis")));
        ImageNode leader = cluster.awaitOneLeader(cluster.nodes(), Duration.ofSeconds(30));
        assertThat(leader.status().path("epoch").asLong()).isGreaterThan(raftEpoch).isEven();
    }

    private ImageNode threeNodesAgreeOnOneLeaderThroughRedisAndEachSeesThreeMembers() {
        ImageNode leader = cluster.awaitOneLeader(cluster.nodes(), Duration.ofSeconds(30));

        Map<String, JsonNode> statuses = cluster.await("three members everywhere", Duration.ofSeconds(20),
                all -> all.size() == 3 && all.values().stream().allMatch(s -> s.path("members").size() == 3));
        for (JsonNode s : statuses.values()) {
            assertThat(s.path("elector").asText()).isEqualTo("redis");
            assertThat(s.path("leader_id").asText()).isEqualTo(leader.id());
            assertThat(s.path("leader_http").asText()).isEqualTo(leader.http());
            assertThat(s.path("epoch").asLong()).isPositive().isEven(); // Redis issues the even epochs of redis,raft
        }
        return leader;
    }

    private void aPublishOnAFollowerAnswers503WithTheLeadersAddressAndReadsWorkEverywhere(ImageNode leader) {
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

    private void theJavaClientFollowsTheLeader(ImageNode leader) throws Exception {
        ImageNode follower = cluster.others(leader).getLast();
        cluster.await("the other follower knows the leader", Duration.ofSeconds(20),
                all -> leader.http().equals(all.get(follower.id()).path("leader_http").asText()));

        try (StoreLogClient client = StoreLogClient.builder().nodes(List.of("http://" + follower.http())).build()) {
            long offset = client.publish(Map.of("n", 1), DataType.JSON, "followed");

            assertThat(offset).isZero();
            assertThat(client.read("followed", 0).asString()).isEqualTo("{\"n\":1}");
        }
        assertThat(leader.get("/read?partition=followed&offset=0").path("value").path("n").asInt()).isEqualTo(1);
    }

    /** The intruder shares Redis and the cluster name but not the secret: it must neither join nor win. */
    private ImageNode aKilledLeaderIsReplacedWithAHigherEpochEvenWithAnIntruderAround(ImageNode first) {
        long epoch = first.status().path("epoch").asLong();
        try (ImageNode intruder = new ImageNode("intruder", dir.resolve("intruder"), withSecret(first.env(), "wrong"))) {
            intruder.start().awaitPort();
            awaitLog(intruder, "joined cluster");

            first.kill();
            long killed = System.nanoTime();
            ImageNode second = cluster.awaitOneLeader(cluster.others(first), FAILOVER);
            long failover = (System.nanoTime() - killed) / 1_000_000;

            assertThat(second).isNotSameAs(first);
            assertThat(second.status().path("epoch").asLong()).isGreaterThan(epoch);
            System.out.println("failover after SIGKILL of the leader: " + failover + " ms");
            assertThat(cluster.statuses().values()).allSatisfy(s -> {
                assertThat(s.path("leader_id").asText()).isEqualTo(second.id());
                assertThat(s.path("members").findValuesAsText("node_id")).doesNotContain("intruder");
            });
            assertThat(intruder.status().path("members").findValuesAsText("node_id")).containsExactly("intruder");
            return second;
        }
    }

    private void theKilledLeaderRejoinsAsAFollower(ImageNode first, ImageNode second) {
        first.start().awaitPort();
        cluster.await(first.id() + " follows " + second.id(), Duration.ofSeconds(30), all -> all.containsKey(first.id())
                && all.get(first.id()).path("role").asText().equals("follower")
                && all.get(first.id()).path("leader_id").asText().equals(second.id()));
    }

    private void aLeaderPausedPastItsLeaseLearnsItWasDeposedAndNoTwoNodesLeadWithOneEpoch(ImageNode leader) throws Exception {
        try (LeaderSampler sampler = new LeaderSampler(cluster)) {
            leader.pause();
            ImageNode next = cluster.awaitOneLeader(cluster.others(leader), FAILOVER);
            leader.resume();

            cluster.await(leader.id() + " steps down", Duration.ofSeconds(10), all -> all.containsKey(leader.id())
                    && !all.get(leader.id()).path("role").asText().equals("leader")
                    && all.get(leader.id()).path("leader_id").asText("").equals(next.id()));
            sampler.close();
            assertThat(sampler.epochsWithTwoLeaders()).isEmpty();
            sampler.epochsPerNode().values().forEach(epochs -> assertThat(epochs).isSorted());
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
        Map<String, String> copy = new HashMap<>(env);
        copy.put("CLUSTER_SECRET", secret);
        copy.put("BIND_ADDR", "127.0.0.1:" + TestCluster.gossipPorts(1)[0]);
        copy.put("ADVERTISE_ADDR", copy.get("BIND_ADDR"));
        copy.put("RAFT_PORT", Integer.toString(TestCluster.freePorts(1)[0]));
        copy.remove("DATA_DIR");
        return copy;
    }
}
