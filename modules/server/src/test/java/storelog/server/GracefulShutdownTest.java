package storelog.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import storelog.api.Settings;
import storelog.testkit.TestData;

/**
 * SIGTERM while 16 clients publish: the server stops accepting, finishes what is in flight, closes
 * the engine cleanly and exits 0 within 10 s; after a restart every acknowledged record is there.
 */
class GracefulShutdownTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int CLIENTS = 16;

    @Test
    void sigtermDuringALoadKeepsEveryAcknowledgedRecord(TestInfo test) throws Exception {
        Path dir = TestData.directory(test);
        Path data = dir.resolve("data");
        ConcurrentMap<String, Long> acknowledged = new ConcurrentHashMap<>();
        long stopMillis;
        try (ServerProcess server = ServerProcess.start(dir.resolve("run"), Map.of("DATA_DIR", data.toString(), "HTTP_PORT", "0"),
                List.of())) {
            int port = server.awaitPort();
            HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
            AtomicBoolean running = new AtomicBoolean(true);
            CountDownLatch acks = new CountDownLatch(1000);
            try (ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor()) {
                for (int c = 0; c < CLIENTS; c++) {
                    int id = c;
                    clients.submit(() -> publishUntilRefused(client, port, "c" + id, running, acknowledged, acks));
                }
                assertThat(acks.await(60, TimeUnit.SECONDS)).as("1000 publishes acknowledged before SIGTERM").isTrue();
                long start = System.nanoTime();
                server.terminate();
                assertThat(server.awaitExit()).as("exit code after SIGTERM").isZero();
                stopMillis = (System.nanoTime() - start) / 1_000_000;
                running.set(false);
            }
            assertThat(server.stderr()).contains("SIGTERM: shutting down").contains("StoreLog stopped");
        }
        assertThat(stopMillis).as("stopped within 10 s").isLessThan(10_000);
        assertThat(acknowledged).hasSizeGreaterThanOrEqualTo(1000);
        assertThat(data.resolve(".clean-shutdown")).exists();

        try (StoreLogServer restarted = StoreLogServer.start(Settings.of(Map.of("DATA_DIR", data.toString(), "HTTP_PORT", "0",
                "HTTP_HOST", "127.0.0.1")))) {
            HttpClient client = HttpClient.newHttpClient();
            for (Map.Entry<String, Long> ack : acknowledged.entrySet()) {
                String partition = ack.getKey().substring(0, ack.getKey().indexOf('-'));
                JsonNode record = JSON.readTree(client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + restarted.port()
                        + "/read?partition=" + partition + "&offset=" + ack.getValue())).build(), HttpResponse.BodyHandlers.ofString()).body());
                assertThat(record.get("value").asText()).as("acknowledged %s at %d", ack.getKey(), ack.getValue()).isEqualTo(ack.getKey());
            }
        }
    }

    /** Publishes "<client>-<n>" to partition <client> until the server stops answering; records each acknowledgement. */
    private static Void publishUntilRefused(HttpClient client, int port, String name, AtomicBoolean running,
                                            ConcurrentMap<String, Long> acknowledged, CountDownLatch acks) {
        for (int n = 0; running.get(); n++) {
            String payload = name + "-" + n;
            try {
                HttpResponse<String> response = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/publish"))
                        .header("Content-Type", "application/json").timeout(Duration.ofSeconds(10))
                        .POST(HttpRequest.BodyPublishers.ofString("{\"data\":\"" + payload + "\",\"data_type\":2,\"partition_key\":\""
                                + name + "\"}")).build(), HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == 200) {
                    acknowledged.put(payload, JSON.readTree(response.body()).get("offset").asLong());
                    acks.countDown();
                }
            } catch (Exception e) {
                return null; // the server went away: stop
            }
        }
        return null;
    }

}
