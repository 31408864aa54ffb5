package storelog.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import storelog.testkit.TestData;

/**
 * The open-files LRU's default size (from the file-descriptor limit) leaves the listener room for its
 * {@code MAX_CONNECTIONS}: with the LRU full, a connection that cannot be accepted for want of a
 * descriptor does not just wait — Helidon's listener ends ("this server socket is terminating now")
 * and the node never accepts another connection.
 */
class DescriptorHeadroomTest {

    private static final int LIMIT = 3000;
    private static final int MAX_CONNECTIONS = 1200;

    @Test
    void withTheLruFullTheListenerStillHoldsMaxConnectionsAndServesAfterwards(TestInfo test) throws Exception {
        try (ServerProcess server = ServerProcess.startWithOpenFileLimit(LIMIT, TestData.directory(test),
                Map.of("MAX_CONNECTIONS", Integer.toString(MAX_CONNECTIONS)))) {
            int port = server.awaitPort();
            HttpClient client = HttpClient.newHttpClient();
            for (int p = 0; p < LIMIT / 2; p++) { // two files each: more than any default LRU under this limit holds
                HttpResponse<String> ack = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/publish"))
                        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(
                                "{\"data\":\"r\",\"data_type\":2,\"partition_key\":\"p" + p + "\"}")).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(ack.statusCode()).isEqualTo(200);
            }
            client.close();

            List<RawConnection> held = new ArrayList<>();
            try {
                for (int i = 0; i < MAX_CONNECTIONS; i++) {
                    RawConnection connection = new RawConnection(port);
                    held.add(connection);
                    assertThat(connection.get("/health").readResponse()).as("connection %d (server log: %s)", i, tail(server))
                            .startsWith("HTTP/1.1 200");
                }
            } finally {
                held.forEach(RawConnection::close);
            }
            try (RawConnection after = new RawConnection(port)) {
                assertThat(after.get("/health").readResponse()).startsWith("HTTP/1.1 200");
            }
        }
    }

    private static String tail(ServerProcess server) {
        String log = server.stderr();
        return log.substring(Math.max(0, log.length() - 2000));
    }
}
