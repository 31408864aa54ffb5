package storelog.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import storelog.testkit.HistoryChecker;
import storelog.testkit.RedisServer;
import storelog.testkit.TcpProxy;
import storelog.testkit.TestData;

/**
 * Replication between three nodes of the built image (issue 9, "How it is proven"): exact copies,
 * gaps seen and closed, nothing acknowledged lost when the leader dies under {@code ACKS=all}, a
 * paused old leader's divergent tail cut, epochs that never go back.
 */
class ReplicationIT {

    private static final long TTL = 1500;

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

    private TestCluster cluster(Map<String, String> extra) {
        Map<String, String> env = new HashMap<>(Map.of("REDIS_ADDR", redis.address(), "LEADER_TTL", Long.toString(TTL),
                "GAP_INTERVAL", "500", "REPLICA_LAG_MS", "2000"));
        env.putAll(extra);
        cluster = TestCluster.of(dir, 3, env).start();
        return cluster;
    }

    private static void publish(ImageNode node, String partition, String payload) {
        var r = node.post("/publish", "{\"data\":\"" + payload + "\",\"data_type\":2,\"partition_key\":\"" + partition + "\"}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    }

    /**
     * One cluster under {@code ACKS=all}: exact copies, the secret and a stale epoch refused, a leader
     * killed mid-stream without losing an acknowledged record, then a follower that will not go back
     * to an older or damaged epoch checkpoint. The steps build on each other and run in order (three
     * image JVMs are the expensive part on two cores).
     */
    @Test
    void underAcksAllFollowersAreExactCopiesAndALeaderKillLosesNothingAcknowledged() throws Exception {
        cluster(Map.of("ACKS", "all", "MIN_INSYNC", "2"));
        ImageNode leader = cluster.awaitOneLeader(cluster.nodes(), Duration.ofSeconds(30));
        cluster.awaitInSync(leader, 3, Duration.ofSeconds(30)); // serving, and its followers heard: every publish below must succeed
        everyFollowerHoldsIdenticalRecordsAtIdenticalOffsets(leader);
        replicationNeedsTheSecretAndAStaleEpochIsRefused(leader);
        ImageNode next = nothingAcknowledgedIsLostWhenTheLeaderIsKilledMidStream(leader);
        aFollowerRestartedWithAnOlderOrDamagedEpochCheckpointDoesNotGoBack(next);
    }

    /**
     * One cluster under {@code ACKS=leader}: a follower that was down shows as a gap and catches up by
     * itself; then a paused old leader gets nothing stored after it was deposed and its divergent tail
     * is cut.
     */
    @Test
    void underAcksLeaderGapsCloseByThemselvesAndADeposedLeadersTailIsCut() throws Exception {
        cluster(Map.of("ACKS", "leader"));
        ImageNode leader = cluster.awaitOneLeader(cluster.nodes(), Duration.ofSeconds(30));
        aFollowerThatWasDownShowsAsAGapAndCatchesUpByItselfWhenItReturns(leader);
        aPausedOldLeaderGetsNothingStoredAfterItWasDeposedAndItsDivergentTailIsCut(leader);
    }

    private void everyFollowerHoldsIdenticalRecordsAtIdenticalOffsets(ImageNode leader) {
        for (int i = 0; i < 600; i++) {
            publish(leader, "p" + (i % 4), "r" + i);
        }
        for (int b = 0; b < 20; b++) {
            StringBuilder batch = new StringBuilder("{\"partition_key\":\"batch\",\"records\":[");
            for (int i = 0; i < 20; i++) {
                batch.append(i == 0 ? "" : ",").append("{\"data\":{\"b\":").append(b).append(",\"i\":").append(i).append("},\"data_type\":0}");
            }
            assertThat(leader.post("/publish/batch", batch.append("]}").toString()).statusCode()).isEqualTo(200);
        }

        Logs.awaitIdentical(cluster.nodes(), Duration.ofSeconds(30));
        Map<String, List<Logs.Entry>> logs = Logs.of(leader);
        assertThat(logs.get("batch")).hasSize(400);
        assertThat(logs.keySet()).contains("p0", "p1", "p2", "p3", "batch");
    }

    private void replicationNeedsTheSecretAndAStaleEpochIsRefused(ImageNode leader) {
        ImageNode follower = cluster.others(leader).getFirst();
        String body = "{\"partition_key\":\"s\",\"offset\":0,\"epoch\":1,\"records\":[{\"data\":\"eA==\",\"data_type\":1,\"timestamp\":1}]}";

        assertThat(follower.post("/replicate", body).statusCode()).isEqualTo(401);
        assertThat(follower.postWithSecret("/replicate", body, "wrong").statusCode()).isEqualTo(403);
        var stale = follower.postWithSecret("/replicate", body, TestCluster.SECRET);
        assertThat(stale.statusCode()).isEqualTo(409);
        assertThat(stale.body()).contains("stale_epoch");
    }

    /** Returns the new leader, once the killed one is back and every node holds the same logs. */
    private ImageNode nothingAcknowledgedIsLostWhenTheLeaderIsKilledMidStream(ImageNode first) throws Exception {
        ImageNode[] target = {first};
        List<String> partitions = List.of("a", "b", "c");
        Writers writers = new Writers(8, partitions, () -> target[0]);
        try (writers) {
            awaitAcks(writers, 300);
            first.kill();
            target[0] = cluster.awaitOneLeader(cluster.others(first), Duration.ofSeconds(20));
            int before = writers.acked().size();
            awaitAcks(writers, before + 300);
        }
        ImageNode leader = target[0];
        first.start().awaitPort();
        Logs.awaitIdentical(cluster.nodes(), Duration.ofSeconds(40));

        HistoryChecker.Report report = HistoryChecker.check(writers.history(), Logs.forChecker(leader, cluster.nodes()));
        assertThat(report.clean()).as(report.summary()).isTrue();
        System.out.println("ACKS=all leader kill: " + writers.acked().size() + " acknowledged, " + writers.unknown().size()
                + " unknown, " + writers.refused() + " refused");
        return leader;
    }

    private void aFollowerRestartedWithAnOlderOrDamagedEpochCheckpointDoesNotGoBack(ImageNode leader) throws Exception {
        publish(leader, "e", "x");
        Logs.awaitIdentical(cluster.nodes(), Duration.ofSeconds(20));
        ImageNode follower = cluster.others(leader).getFirst();
        long epoch = follower.status().path("epoch").asLong();
        Path checkpoint = Path.of(follower.env().get("DATA_DIR"), ".cluster", "epoch");

        follower.kill();
        Files.writeString(checkpoint, "epoch=1\ncrc32c=" + crc("epoch=1\n") + "\n"); // an old, well-formed checkpoint
        follower.start().awaitPort();
        cluster.await("the follower is back", Duration.ofSeconds(20), all -> all.containsKey(follower.id()));
        assertThat(follower.status().path("epoch").asLong()).as("never below what its partitions were written with")
                .isGreaterThanOrEqualTo(epoch);

        follower.kill();
        Files.writeString(checkpoint, "epoch=99\ngarbage\n");
        ImageNode.CommandResult refused = ImageNode.run(dir.resolve("damaged"), follower.env(), List.of("serve"));
        assertThat(refused.exitCode()).isNotZero();
        assertThat(refused.output()).contains("epoch checkpoint").contains("damaged");
    }

    private void aFollowerThatWasDownShowsAsAGapAndCatchesUpByItselfWhenItReturns(ImageNode leader) {
        ImageNode follower = cluster.others(leader).getFirst();
        publish(leader, "g", "before");
        Logs.awaitIdentical(cluster.nodes(), Duration.ofSeconds(20));

        follower.kill();
        for (int i = 0; i < 2000; i++) {
            publish(leader, "g", "while-down-" + i);
        }
        follower.start().awaitPort();

        cluster.await("the leader records a gap of the returned follower", Duration.ofSeconds(20), all -> {
            JsonNode gaps = leader.get("/gaps");
            return gaps != null && gaps.size() > 0 || leader.get("/read?partition=__gaps&offset=0").has("value");
        });
        JsonNode recorded = leader.get("/read?partition=__gaps&offset=0").path("value");
        assertThat(recorded.path("node").asText()).isIn(cluster.others(leader).stream().map(ImageNode::id).toList());
        assertThat(recorded.path("gap").asLong()).isPositive();
        Logs.awaitIdentical(cluster.nodes(), Duration.ofSeconds(30));
        cluster.await("the gap closes", Duration.ofSeconds(20), all -> {
            for (JsonNode g : leader.get("/gaps")) {
                if (g.path("partition").asText().equals("g")) {
                    return false;
                }
            }
            return true;
        });
    }

    private void aPausedOldLeaderGetsNothingStoredAfterItWasDeposedAndItsDivergentTailIsCut(ImageNode old) throws Exception {
        publish(old, "d", "shared");
        Logs.awaitIdentical(cluster.nodes(), Duration.ofSeconds(20));

        old.pause();
        ImageNode next = cluster.awaitOneLeader(cluster.others(old), Duration.ofSeconds(20));
        Writers stale = new Writers(2, List.of("d"), () -> old); // requests that reach the old leader when it resumes
        old.resume();
        publish(next, "d", "new-leader-1");
        stale.close();
        publish(next, "d", "new-leader-2");

        Logs.awaitIdentical(cluster.nodes(), Duration.ofSeconds(30));
        List<String> texts = Logs.partition(next, "d").stream().map(Logs.Entry::text).toList();
        assertThat(texts).contains("shared", "new-leader-1", "new-leader-2");
        for (Writers.Ack ack : stale.acked()) {
            assertThat(texts).as("acknowledged by the deposed leader under ACKS=leader: %s", ack).doesNotContain(ack.payload());
        }
        JsonNode status = old.status();
        if (!stale.acked().isEmpty()) {
            assertThat(status.path("truncated").size()).as("the cut tail is reported").isPositive();
        }
    }

    @Test
    void followersBehindALossyAndASlowLinkConvergeToo() throws Exception {
        int[] ports = TestCluster.freePorts(3);
        // each node's HTTP is reached by the others through a proxy of its own: whichever leads, one
        // follower's link cuts every tenth /replicate and another's delays every chunk
        try (TcpProxy p1 = TcpProxy.to("127.0.0.1", ports[0]).dropEvery(10, "POST /replicate");
             TcpProxy p2 = TcpProxy.to("127.0.0.1", ports[1]).delay(Duration.ofMillis(30));
             TcpProxy p3 = TcpProxy.to("127.0.0.1", ports[2]).dropEvery(10, "POST /replicate").delay(Duration.ofMillis(30))) {
            cluster = TestCluster.of(dir, 3, Map.of("REDIS_ADDR", redis.address(), "LEADER_TTL", Long.toString(TTL),
                    "ACKS", "leader", "GAP_INTERVAL", "500"));
            TcpProxy[] proxies = {p1, p2, p3};
            for (int i = 0; i < 3; i++) {
                cluster.nodes().get(i).env().put("HTTP_PORT", Integer.toString(ports[i]));
                cluster.nodes().get(i).env().put("ADVERTISE_HTTP", proxies[i].address());
            }
            cluster.start();
            ImageNode leader = cluster.awaitOneLeader(cluster.nodes(), Duration.ofSeconds(30));
            for (int i = 0; i < 1000; i++) {
                publish(leader, "link" + (i % 3), "r" + i);
            }

            Logs.awaitIdentical(cluster.nodes(), Duration.ofSeconds(60));
            assertThat(p1.marked() + p3.marked()).as("replication requests crossed a lossy link").isGreaterThan(20);
        }
    }

    private void awaitAcks(Writers writers, int count) {
        long deadline = System.nanoTime() + Duration.ofSeconds(40).toNanos();
        while (writers.acked().size() < count) {
            assertThat(System.nanoTime()).as("%d acknowledged writes", count).isLessThan(deadline);
            TestCluster.pause(20);
        }
    }

    private static String crc(String line) {
        java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
        crc.update(line.getBytes(StandardCharsets.UTF_8));
        return String.format("%08x", crc.getValue());
    }
}
