package storelog.http;

import static org.assertj.core.api.Assertions.assertThat;
import static storelog.http.TestServer.json;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Base64;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import storelog.testkit.TestData;

class NodeEndpointsTest {

    private TestServer server;

    @BeforeEach
    void start(TestInfo test) {
        server = new TestServer(TestData.directory(test));
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void statusDescribesAStandaloneLeaderAndItsPartitions() {
        server.post("/publish", "{\"data\":1,\"partition_key\":\"s\"}");
        JsonNode status = json(server.get("/status"));
        assertThat(status.get("node_id").asText()).isEqualTo("node-t");
        assertThat(status.get("role").asText()).isEqualTo("leader");
        assertThat(status.get("leader_id").asText()).isEqualTo("node-t");
        assertThat(status.get("leader_http").asText()).isEqualTo("127.0.0.1:" + server.web.port());
        assertThat(status.get("epoch").asLong()).isZero();
        assertThat(status.get("elector").asText()).isEqualTo("none");
        assertThat(status.get("members")).singleElement().satisfies(m -> {
            assertThat(m.get("node_id").asText()).isEqualTo("node-t");
            assertThat(m.get("http").asText()).isEqualTo("127.0.0.1:" + server.web.port());
        });
        assertThat(status.get("plugins").get("storage").asText()).isEqualTo("file");
        assertThat(status.get("plugins").get("discovery").isArray()).isTrue();
        JsonNode partition = status.get("partitions").get("s");
        assertThat(partition.get("next_offset").asLong()).isEqualTo(1);
        assertThat(partition.get("segments").asInt()).isEqualTo(1);
        assertThat(partition.get("bytes").asLong()).isPositive();
    }

    @Test
    void aStandaloneNodeHasNoGaps() {
        HttpResponse<String> gaps = server.get("/gaps");
        assertThat(gaps.statusCode()).isEqualTo(200);
        assertThat(json(gaps).isArray()).isTrue();
        assertThat(json(gaps)).isEmpty();
    }

    @Test
    void replicateInGoStoreLogsFormAppendsAtTheNextOffset() {
        server.post("/publish", "{\"data\":1,\"partition_key\":\"rep\"}");
        HttpResponse<String> response = server.post("/replicate", "{\"data\":{\"x\":2},\"data_type\":0,\"partition_key\":\"rep\"}");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(json(response).get("offset").asLong()).isEqualTo(1);
        assertThat(json(server.get("/read?partition=rep&offset=1")).get("value").get("x").asInt()).isEqualTo(2);
    }

    @Test
    void replicateWithOffsetsAppendsExactlyThereOrSaysWhereItIs() {
        String first = replica("rep", 0, 3, "{\"a\":1}", 1234);
        HttpResponse<String> ok = server.post("/replicate", first);
        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(json(ok).get("next_offset").asLong()).isEqualTo(1);
        JsonNode stored = json(server.get("/read?partition=rep&offset=0"));
        assertThat(stored.get("timestamp").asLong()).as("the leader's timestamp is kept").isEqualTo(1234);
        assertThat(stored.get("value").get("a").asInt()).isEqualTo(1);

        HttpResponse<String> ahead = server.post("/replicate", replica("rep", 5, 3, "2", 1));
        assertThat(ahead.statusCode()).isEqualTo(409);
        assertThat(json(ahead).get("code").asText()).isEqualTo("offset_mismatch");
        assertThat(json(ahead).get("next_offset").asLong()).isEqualTo(1);
    }

    @Test
    void replicationFromAnOlderEpochIsFenced() {
        assertThat(server.post("/replicate", replica("rep", 0, 7, "1", 1)).statusCode()).isEqualTo(200);
        HttpResponse<String> stale = server.post("/replicate", replica("rep", 1, 6, "2", 1));
        assertThat(stale.statusCode()).isEqualTo(409);
        assertThat(json(stale).get("code").asText()).isEqualTo("stale_epoch");
        assertThat(json(stale).get("epoch").asLong()).isEqualTo(7);
    }

    @Test
    void internalPartitionsCanBeReplicatedButNotPublished() {
        assertThat(server.post("/replicate", replica("__gaps", 0, 1, "{}", 1)).statusCode()).isEqualTo(200);
        assertThat(json(server.get("/read?partition=__gaps&offset=0")).get("value").isObject()).isTrue();
    }

    @Test
    void healthIsUpWhenReady() {
        for (String path : new String[] {"/health", "/health/live", "/health/ready"}) {
            HttpResponse<String> response = server.get(path);
            assertThat(response.statusCode()).as(path).isEqualTo(200);
            assertThat(json(response).get("status").asText()).isEqualTo("UP");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"/health", "/health/live", "/health/ready", "/metrics"})
    void observeEndpointsAreGetOnly(String path) {
        HttpResponse<String> response = server.post(path, "{}");
        assertThat(response.statusCode()).isEqualTo(405);
        assertThat(response.headers().firstValue("Allow")).hasValue("GET");
        assertThat(json(response).get("code").asText()).isEqualTo("method_not_allowed");
    }

    @Test
    void metricsCountRequestsRecordsAndFsyncsInPrometheusText() {
        server.post("/publish", "{\"data\":\"abc\",\"data_type\":2,\"partition_key\":\"m\"}");
        server.post("/publish", "{\"data\":\"abcd\",\"data_type\":2,\"partition_key\":\"m\"}");
        server.get("/read?partition=m&offset=0");
        server.get("/read?partition=m&offset=9");
        HttpResponse<String> metrics = server.get("/metrics");
        assertThat(metrics.statusCode()).isEqualTo(200);
        assertThat(metrics.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/plain"));
        assertThat(metrics.body())
                .contains("storelog_http_requests_total{endpoint=\"/publish\",status=\"200\"} 2")
                .contains("storelog_http_requests_total{endpoint=\"/read\",status=\"404\"} 1")
                .contains("storelog_records_published_total 2")
                .contains("storelog_bytes_published_total 7")
                .contains("storelog_records_read_total 1")
                .contains("storelog_http_request_duration_seconds_count{endpoint=\"/publish\"} 2")
                .contains("# TYPE storelog_storage_fsyncs_total counter")
                .containsPattern("storelog_storage_fsyncs_total [1-9]");
    }

    static String replica(String key, long offset, long epoch, String json, long timestamp) {
        String data = Base64.getEncoder().encodeToString(json.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        return "{\"partition_key\":\"" + key + "\",\"offset\":" + offset + ",\"epoch\":" + epoch
                + ",\"records\":[{\"data\":\"" + data + "\",\"data_type\":0,\"timestamp\":" + timestamp + "}]}";
    }
}
