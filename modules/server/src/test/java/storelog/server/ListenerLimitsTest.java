package storelog.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import storelog.api.Settings;
import storelog.testkit.TestData;

/** {@code MAX_CONNECTIONS} and {@code MAX_CONCURRENT_REQUESTS} on a real listener, seen through real sockets. */
class ListenerLimitsTest {

    private static StoreLogServer start(Path dir, Map<String, String> limits) {
        Map<String, String> settings = new HashMap<>(Map.of("DATA_DIR", dir.toString(), "HTTP_PORT", "0", "HTTP_HOST", "127.0.0.1",
                "FSYNC", "never"));
        settings.putAll(limits);
        return StoreLogServer.start(Settings.of(settings));
    }

    @Test
    void beyondMaxConnectionsANewConnectionWaitsUntilOneCloses(TestInfo test) {
        try (StoreLogServer server = start(TestData.directory(test), Map.of("MAX_CONNECTIONS", "2"));
             RawConnection first = new RawConnection(server.port());
             RawConnection second = new RawConnection(server.port());
             RawConnection third = new RawConnection(server.port())) {
            assertThat(first.get("/health").readResponse()).startsWith("HTTP/1.1 200");
            assertThat(second.get("/health").readResponse()).startsWith("HTTP/1.1 200");

            third.get("/health");
            assertThat(third.answersWithin(Duration.ofSeconds(1))).as("a third connection is not served while two are open").isFalse();

            first.close();
            assertThat(third.readResponse()).startsWith("HTTP/1.1 200");
        }
    }

    @Test
    void beyondMaxConcurrentRequestsARequestIs503WithRetryAfterAndTheJsonBody(TestInfo test) throws InterruptedException {
        try (StoreLogServer server = start(TestData.directory(test), Map.of("MAX_CONCURRENT_REQUESTS", "2", "MAX_LONG_POLLS", "1"));
             RawConnection first = new RawConnection(server.port());
             RawConnection second = new RawConnection(server.port());
             RawConnection third = new RawConnection(server.port())) {
            String body = "{\"data\":1,\"partition_key\":\"p\"}";
            first.startUpload("/publish", body.length());
            second.startUpload("/publish", body.length());

            String refused = third.get("/partitions").readResponse();
            assertThat(refused).startsWith("HTTP/1.1 503").containsIgnoringCase("Retry-After: 1")
                    .contains("\"code\":\"too_many_requests\"");

            first.send(body);
            assertThat(first.readResponse()).startsWith("HTTP/1.1 200").contains("\"offset\":0");
            assertThat(awaitServed(server.port(), "/partitions")).as("a slot is free again").startsWith("HTTP/1.1 200");
        }
    }

    /**
     * Asks on fresh connections until a request is served, for at most 20 s: a finished request frees
     * its slot only just after its answer is written, and a refused one closes its connection.
     */
    private static String awaitServed(int port, String path) {
        return await("a request to " + path + " served").atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(10))
                .until(() -> {
                    try (RawConnection connection = new RawConnection(port)) {
                        return connection.get(path).readResponse();
                    }
                }, response -> !response.startsWith("HTTP/1.1 503"));
    }
}
