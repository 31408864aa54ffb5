package storelog.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import storelog.api.Settings;
import storelog.testkit.TestData;

/** Messages on CONNECTOR_TOPIC in GoStoreLog's shape are stored like publishes; malformed ones are counted and skipped. */
class ConnectorIngestTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient client = HttpClient.newHttpClient();
    private StoreLogServer server;

    @BeforeEach
    void start(TestInfo test) {
        server = StoreLogServer.start(Settings.of(Map.of("DATA_DIR", TestData.directory(test).toString(), "HTTP_PORT", "0",
                "HTTP_HOST", "127.0.0.1", "CONNECTOR_TOPIC", "ingest")));
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private void send(String message) {
        server.connector().publish("ingest", message.getBytes(StandardCharsets.UTF_8));
    }

    private String get(String path) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path)).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    @Test
    void messagesAreStoredInOrderAndMalformedOnesAreCountedAndSkipped() throws Exception {
        send("{\"data\":{\"n\":0},\"data_type\":0,\"partition_key\":\"events\"}");
        send("not json at all");
        send("{\"data\":\"x\",\"data_type\":9,\"partition_key\":\"events\"}");
        send("{\"data\":1,\"partition_key\":\"__reserved\"}");
        send("{\"data\":\"AQID\",\"data_type\":1,\"partition_key\":\"events\"}");
        send("{\"data\":\"last\",\"data_type\":2,\"partition_key\":\"events\"}");

        JsonNode tail = JSON.readTree(get("/records?partition=events&offset=0&max=10&wait_ms=10000"));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (tail.get("next_offset").asLong() < 3 && System.nanoTime() < deadline) {
            tail = JSON.readTree(get("/records?partition=events&offset=0&max=10&wait_ms=1000"));
        }
        assertThat(tail.get("records")).extracting(r -> r.get("value").toString())
                .containsExactly("{\"n\":0}", "\"AQID\"", "\"last\"");
        String metrics = get("/metrics");
        assertThat(metrics).contains("storelog_connector_messages_malformed_total 3")
                .contains("storelog_connector_messages_stored_total 3")
                .contains("storelog_connector_published_total 6");
    }
}
