package storelog.http;

import static org.assertj.core.api.Assertions.assertThat;
import static storelog.http.TestServer.json;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import storelog.testkit.TestData;

class ReadEndpointsTest {

    private Path dir;
    private TestServer server;

    @BeforeEach
    void start(TestInfo test) {
        dir = TestData.directory(test);
        server = new TestServer(dir.resolve("data"));
        for (int i = 0; i < 10; i++) {
            server.post("/publish", "{\"data\":" + i + ",\"partition_key\":\"r\"}");
        }
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void recordsReturnsARangeInOrderWithTheNextOffset() {
        JsonNode body = json(server.get("/records?partition=r&offset=3&max=4"));
        assertThat(body.get("records")).extracting(r -> r.get("offset").asLong()).containsExactly(3L, 4L, 5L, 6L);
        assertThat(body.get("records").get(0).get("value").asInt()).isEqualTo(3);
        assertThat(body.get("next_offset").asLong()).isEqualTo(7);
        JsonNode end = json(server.get("/records?partition=r&offset=8&max=100"));
        assertThat(end.get("records")).hasSize(2);
        assertThat(end.get("next_offset").asLong()).isEqualTo(10);
        JsonNode atEnd = json(server.get("/records?partition=r&offset=10"));
        assertThat(atEnd.get("records")).isEmpty();
        assertThat(atEnd.get("next_offset").asLong()).isEqualTo(10);
    }

    @Test
    void aTailingReadReturnsAsSoonAsARecordArrives() throws Exception {
        long start = System.nanoTime();
        CompletableFuture<HttpResponse<String>> tail = CompletableFuture.supplyAsync(
                () -> server.get("/records?partition=r&offset=10&wait_ms=30000"));
        server.post("/publish", "{\"data\":\"new\",\"data_type\":2,\"partition_key\":\"r\"}");

        HttpResponse<String> response = tail.get(20, TimeUnit.SECONDS);
        assertThat(json(response).get("records")).singleElement()
                .satisfies(r -> assertThat(r.get("value").asText()).isEqualTo("new"));
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(20));
    }

    @Test
    void aTailingReadReturnsEmptyAtItsDeadline() {
        long start = System.nanoTime();
        JsonNode body = json(server.get("/records?partition=r&offset=10&wait_ms=300"));
        assertThat(body.get("records")).isEmpty();
        assertThat(body.get("next_offset").asLong()).isEqualTo(10);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(300));
    }

    @Test
    void partitionsListsEveryPartition() {
        server.post("/publish", "{\"data\":1,\"partition_key\":\"a\"}");
        JsonNode all = json(server.get("/partitions"));
        assertThat(all).extracting(p -> p.get("partition_key").asText()).containsExactly("a", "r");
        assertThat(all.get(1).get("next_offset").asLong()).isEqualTo(10);
        assertThat(all.get(1).get("segments").asInt()).isEqualTo(1);
        assertThat(all.get(1).get("bytes").asLong()).isGreaterThan(16);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "/read?offset=0|400|missing_parameter",
            "/read?partition=r|400|missing_parameter",
            "/read?partition=r&offset=x|400|invalid_parameter",
            "/read?partition=r&offset=-1|400|invalid_parameter",
            "/read?partition=r&offset=10|404|offset_out_of_range",
            "/read?partition=nothing&offset=0|404|unknown_partition",
            "/read?partition=&offset=0|400|invalid_partition_key",
            "/records?partition=r&max=0|400|invalid_parameter",
            "/records?partition=r&max=10001|400|invalid_parameter",
            "/records?partition=r&offset=11|404|offset_out_of_range",
            "/records?partition=r&wait_ms=-1|400|invalid_parameter",
            "/records?partition=nothing|404|unknown_partition",
            "/nowhere|404|not_found"})
    void badReadsAreTypedErrors(String request, int status, String code) {
        HttpResponse<String> response = server.get(request);
        assertThat(response.statusCode()).isEqualTo(status);
        assertThat(json(response).get("code").asText()).isEqualTo(code);
    }

    @Test
    void anOutOfRangeReadSaysWhereThePartitionEnds() {
        assertThat(json(server.get("/read?partition=r&offset=99")).get("next_offset").asLong()).isEqualTo(10);
    }

    @Test
    void hostilePartitionKeysStayInsideTheDataDirectory() throws Exception {
        List<String> hostile = List.of("../escape", "../../etc/x", "a/b", "..", ".", "\\..\\y", "nul", "CON");
        for (String key : hostile) {
            String body = TestServer.JSON.writeValueAsString(java.util.Map.of("data", key, "data_type", 2, "partition_key", key));
            assertThat(server.post("/publish", body).statusCode()).as(key).isEqualTo(200);
            JsonNode read = json(server.get("/read?partition=" + URLEncoder.encode(key, StandardCharsets.UTF_8) + "&offset=0"));
            assertThat(read.get("value").asText()).isEqualTo(key);
        }
        try (Stream<Path> top = Files.list(dir)) {
            assertThat(top.toList()).containsExactly(dir.resolve("data"));
        }
        try (Stream<Path> all = Files.walk(dir.resolve("data"))) {
            assertThat(all.toList()).allSatisfy(p -> assertThat(p.toRealPath()).startsWith(dir.resolve("data").toRealPath()));
        }
    }
}
