package storelog.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import storelog.testkit.RedisServer;
import storelog.testkit.TestData;
import storelog.testkit.TestDnsServer;

/**
 * How nodes of the built image find each other and start: by DNS alone, standalone, with bad cluster
 * settings; the image ships the cluster plugins. (The Java client against a real cluster is a step of
 * {@link ClusterElectionIT}.)
 */
class ClusterFormationIT {

    @Test
    void threeNodesFindEachOtherThroughDnsAloneWithoutSeeds(TestInfo test) throws Exception {
        Path dir = TestData.directory(test);
        try (RedisServer redis = RedisServer.start(dir.resolve("redis"));
             TestDnsServer dns = TestDnsServer.start()) {
            String name = "storelog.it.test";
            Map<String, String> env = new HashMap<>(Map.of("REDIS_ADDR", redis.address(), "LEADER_TTL", "1500",
                    "DNS_SERVER", dns.address(), "SERVICE_NAME", name, "DNS_INTERVAL_MS", "500", "SEEDS", ""));
            try (TestCluster cluster = TestCluster.of(dir, 3, env)) {
                String[] srv = cluster.nodes().stream().map(n -> "SRV 0 0 " + n.env().get("BIND_ADDR").split(":")[1] + " "
                        + n.id() + ".it.test").toArray(String[]::new);
                dns.set(name, srv);
                cluster.nodes().forEach(n -> dns.set(n.id() + ".it.test", "A 127.0.0.1"));

                cluster.start();

                ImageNode leader = cluster.awaitOneLeader(cluster.nodes(), Duration.ofSeconds(40));
                Map<String, JsonNode> all = cluster.await("three members everywhere", Duration.ofSeconds(30),
                        s -> s.size() == 3 && s.values().stream().allMatch(v -> v.path("members").size() == 3));
                assertThat(all.values()).allSatisfy(s -> assertThat(s.path("leader_id").asText()).isEqualTo(leader.id()));
                assertThat(dns.queries()).extracting(TestDnsServer.Query::type).contains("SRV");
            }
        }
    }

    @Test
    void theImageShipsTheFourClusterPlugins(TestInfo test) {
        ImageNode.CommandResult listed = ImageNode.run(TestData.directory(test), Map.of(), List.of("plugins"));

        assertThat(listed.exitCode()).isZero();
        assertThat(listed.output()).containsPattern("(?m)^redis +elector .*plugins/elector-redis")
                .containsPattern("(?m)^raft +elector .*plugins/elector-raft")
                .containsPattern("(?m)^gossip +discovery .*plugins/discovery-gossip")
                .containsPattern("(?m)^dns +discovery .*plugins/discovery-dns")
                .doesNotContain("FAILED");
    }

    @Test
    void aStandaloneNodeServesAsItsOwnLeaderQuicklyAndSaysWhy(TestInfo test) {
        Path dir = TestData.directory(test);
        long start = System.nanoTime();
        try (ImageNode node = new ImageNode("solo", dir, Map.of()).start()) {
            node.awaitPort();
            long millis = (System.nanoTime() - start) / 1_000_000;
            JsonNode status = node.status();

            assertThat(status.path("role").asText()).isEqualTo("leader");
            assertThat(status.path("elector").asText()).isEqualTo("none");
            assertThat(node.logOfThisRun()).contains("standalone node: none of SEEDS, SERVICE_NAME, DNS_SERVER, ELECTOR is set");
            assertThat(node.post("/publish", "{\"data\":1,\"partition_key\":\"k\"}").statusCode()).isEqualTo(200);
            System.out.println("standalone image node serving after " + millis + " ms");
        }
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "ELECTOR|zookeeper",
            "LEADER_TTL|0",
            "SEEDS|::",
            "DNS_SERVER|not a server:x",
            "RAFT_PORT|0",
            "BIND_ADDR|127.0.0.1:99999"})
    void aBadClusterSettingStopsStartUpWithExitCode2NamingTheVariable(String variable, String value, TestInfo test) {
        Path dir = TestData.directory(test);
        Map<String, String> env = new HashMap<>(Map.of("SEEDS", "127.0.0.1:1", "CLUSTER_SECRET", "s", "HTTP_PORT", "0",
                "HTTP_HOST", "127.0.0.1", "DATA_DIR", dir.resolve("data").toString(), "REDIS_ADDR", "127.0.0.1:1"));
        env.put(variable, value);

        ImageNode.CommandResult result = ImageNode.run(dir, env, List.of("serve"));

        assertThat(result.exitCode()).as(result.output()).isEqualTo(2);
        assertThat(result.output()).containsPattern("(?m)^storelog: " + variable + "=");
    }
}
