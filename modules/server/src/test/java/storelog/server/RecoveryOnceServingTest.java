package storelog.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import storelog.api.Settings;
import storelog.testkit.TestData;

/**
 * After an unclean stop the node tells its engine that it serves once its web server is up
 * ({@link storelog.api.spi.StorageEngine#serving()}): the file engine's background recovery starts
 * then, not at the open (where it competed with the start-up), and not only after its fallback delay.
 */
class RecoveryOnceServingTest {

    private static final int PARTITIONS = 20;

    private final HttpClient client = HttpClient.newHttpClient();

    private String send(HttpRequest.Builder request) throws Exception {
        HttpResponse<String> response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return response.body();
    }

    private long awaitingRecovery(StoreLogServer server) throws Exception {
        String metrics = send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/metrics")));
        return metrics.lines().filter(l -> l.startsWith("storelog_storage_partitions_awaiting_recovery "))
                .mapToLong(l -> Long.parseLong(l.substring(l.indexOf(' ') + 1).strip())).findFirst().orElseThrow();
    }

    @Test
    void afterACrashTheBackgroundRecoveryStartsOnceTheNodeServes(TestInfo test) throws Exception {
        Path data = TestData.directory(test).resolve("data");
        Map<String, String> env = new HashMap<>(Map.of("DATA_DIR", data.toString(), "HTTP_PORT", "0", "HTTP_HOST", "127.0.0.1",
                "FSYNC", "never"));
        try (StoreLogServer server = StoreLogServer.start(Settings.of(env))) {
            for (int i = 0; i < PARTITIONS; i++) {
                send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/publish"))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"partition_key\":\"p" + i + "\",\"data_type\":2,\"data\":\"r\"}")));
            }
        }
        Files.delete(data.resolve(".clean-shutdown")); // as a kill -9 leaves it: every partition awaits recovery

        env.put("STORE_RECOVERY_DELAY_MS", "3600000"); // an hour: within the test only the node's word starts it
        try (StoreLogServer server = StoreLogServer.start(Settings.of(env))) {
            await("the background recovery").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(20))
                    .until(() -> awaitingRecovery(server) == 0);
        }
    }
}
