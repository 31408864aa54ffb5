package storelog.http;

import static org.assertj.core.api.Assertions.assertThat;
import static storelog.http.TestServer.json;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
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
    void aStandaloneNodeRefusesReplicationWhateverItCarries() {
        for (String body : new String[] {"{\"data\":{\"x\":2},\"data_type\":0,\"partition_key\":\"rep\"}",
                ReplicateEndpointTest.replica("rep", 0, 3, "{\"a\":1}", 1234)}) {
            for (String secret : new String[] {null, "s3cret"}) {
                HttpRequest.Builder request = HttpRequest.newBuilder(server.uri("/replicate")).header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body));
                if (secret != null) {
                    request.header("X-Cluster-Secret", secret);
                }
                HttpResponse<String> response = server.send(request.build());
                assertThat(response.statusCode()).isEqualTo(403);
                assertThat(json(response).get("code").asText()).isEqualTo("not_a_follower");
            }
        }
        assertThat(server.engine.partitions()).isEmpty();
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

    /** One series per endpoint and status seen, in the order of endpoint, then status as text; other paths count as "other". */
    @Test
    void metricsSeriesAreOrderedByEndpointThenStatus() {
        server.get("/nowhere");
        server.post("/publish", "{\"data\":\"abc\",\"data_type\":2,\"partition_key\":\"m\"}");
        server.post("/publish", "{}");
        server.post("/publish/batch", "{\"partition_key\":\"m\",\"records\":[{\"data\":1}]}");
        server.get("/read?partition=m&offset=0");
        String metrics = server.get("/metrics").body();
        assertThat(metrics.lines().filter(l -> l.startsWith("storelog_http_requests_total{")).toList()).containsExactly(
                "storelog_http_requests_total{endpoint=\"/publish\",status=\"200\"} 1",
                "storelog_http_requests_total{endpoint=\"/publish\",status=\"400\"} 1",
                "storelog_http_requests_total{endpoint=\"/publish/batch\",status=\"200\"} 1",
                "storelog_http_requests_total{endpoint=\"/read\",status=\"200\"} 1",
                "storelog_http_requests_total{endpoint=\"other\",status=\"404\"} 1");
        assertThat(metrics.lines().filter(l -> l.startsWith("storelog_http_request_duration_seconds_count{")).toList()).containsExactly(
                "storelog_http_request_duration_seconds_count{endpoint=\"/publish\"} 2",
                "storelog_http_request_duration_seconds_count{endpoint=\"/publish/batch\"} 1",
                "storelog_http_request_duration_seconds_count{endpoint=\"/read\"} 1",
                "storelog_http_request_duration_seconds_count{endpoint=\"other\"} 1");
    }
}
