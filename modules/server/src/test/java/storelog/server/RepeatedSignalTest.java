package storelog.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import storelog.api.PartitionKey;
import storelog.api.Settings;
import storelog.api.spi.StorageEngine;
import storelog.core.PluginRegistry;
import storelog.testkit.TestData;

/**
 * Signals during a shutdown, against a real server process. The shutdown is held open by an upload
 * that stalls mid-body (in-flight requests get up to 5 s), and the engine buffers its records
 * ({@code FSYNC=interval:60000}), so an exit before the engine's close would lose them.
 */
class RepeatedSignalTest {

    private static final int PARTITIONS = 8;
    private static final int RECORDS = 20;

    private Path data;

    private ServerProcess startWithAcknowledgedRecords(TestInfo test) throws Exception {
        assumeSigintDeliverable();
        Path dir = TestData.directory(test);
        data = dir.resolve("data");
        ServerProcess server = ServerProcess.start(dir.resolve("run"), Map.of("DATA_DIR", data.toString(), "HTTP_PORT", "0",
                "FSYNC", "interval:60000"), List.of());
        int port = server.awaitPort();
        HttpClient client = HttpClient.newHttpClient();
        ObjectMapper json = new ObjectMapper();
        for (int p = 0; p < PARTITIONS; p++) {
            for (int i = 0; i < RECORDS; i++) {
                HttpResponse<String> ack = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/publish"))
                        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(
                                "{\"data\":\"r" + i + "\",\"data_type\":2,\"partition_key\":\"p" + p + "\"}")).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(ack.statusCode()).isEqualTo(200);
                assertThat(json.readTree(ack.body()).get("offset").asLong()).isEqualTo(i);
            }
        }
        return server;
    }

    @Test
    void aSecondSignalWaitsForTheShutdownToFinish(TestInfo test) throws Exception {
        try (ServerProcess server = startWithAcknowledgedRecords(test);
             RawConnection stalled = new RawConnection(server.awaitPort()).startUpload("/publish", 100)) {
            server.terminate();
            server.awaitStderr("SIGTERM: shutting down");
            server.signal("INT");

            assertThat(server.awaitExit()).as("exit code").isZero();
            assertThat(data.resolve(".clean-shutdown")).as("the engine was closed before the exit").exists();
            assertThat(server.stderr()).contains("SIGINT again: still shutting down").contains("StoreLog stopped");
        }
        assertEveryAcknowledgedRecordIsThere();
    }

    @Test
    void aThirdSignalExitsAtOnceWithANonZeroCodeSayingWhatItSkipped(TestInfo test) throws Exception {
        try (ServerProcess server = startWithAcknowledgedRecords(test);
             RawConnection stalled = new RawConnection(server.awaitPort()).startUpload("/publish", 100)) {
            server.signal("INT");
            server.awaitStderr("SIGINT: shutting down");
            server.signal("TERM");
            server.awaitStderr("SIGTERM again");
            server.signal("TERM");

            assertThat(server.awaitExit()).as("exit code").isEqualTo(ShutdownSignals.FORCED_EXIT);
            assertThat(server.stderr().lines().filter(l -> l.contains("a third time")).toList()).singleElement().asString()
                    .contains("exiting now with code 1, skipping stopping HTTP")
                    .contains("closing the storage engine").contains("are lost");
            assertThat(server.stderr()).doesNotContain("StoreLog stopped");
        }
        assertThat(data.resolve(".clean-shutdown")).doesNotExist();
    }

    /**
     * A process started in the background by a shell without job control inherits SIGINT ignored, and
     * so does every process it starts (this test's server too): the JVM then leaves SIGINT ignored, and
     * the test would wait for a shutdown that cannot begin. Not a defect of the server: skipped, saying so.
     */
    private static void assumeSigintDeliverable() throws java.io.IOException {
        Path status = Path.of("/proc/self/status");
        if (!java.nio.file.Files.exists(status)) {
            return;
        }
        String ignored = java.nio.file.Files.readAllLines(status).stream().filter(l -> l.startsWith("SigIgn:"))
                .map(l -> l.substring("SigIgn:".length()).trim()).findFirst().orElse("0");
        boolean sigintIgnored = (Long.parseUnsignedLong(ignored, 16) & (1L << (2 - 1))) != 0;
        org.junit.jupiter.api.Assumptions.assumeFalse(sigintIgnored,
                "SIGINT is ignored in this process tree (started in the background without job control)");
    }

    private void assertEveryAcknowledgedRecordIsThere() {
        try (StorageEngine engine = PluginRegistry.bootLayer().storageEngine("file")
                .open(Settings.of(Map.of("DATA_DIR", data.toString())))) {
            for (int p = 0; p < PARTITIONS; p++) {
                assertThat(engine.read(PartitionKey.of("p" + p), 0, 1000, Long.MAX_VALUE)).as("partition p%d", p)
                        .extracting(r -> r.text()).containsExactlyElementsOf(
                                java.util.stream.IntStream.range(0, RECORDS).mapToObj(i -> "r" + i).toList());
            }
        }
    }
}
