package storelog.client;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.TestInfo;
import storelog.api.Settings;
import storelog.server.StoreLogServer;
import storelog.testkit.TestData;

/** A real StoreLog node on 127.0.0.1 and a free port, with its data in the test's own folder. */
final class TestNode implements AutoCloseable {

    private final StoreLogServer server;

    private TestNode(StoreLogServer server) {
        this.server = server;
    }

    static TestNode start(TestInfo test) {
        return start(test, Map.of());
    }

    /** A node with {@code settings} on top of the test defaults ({@code FSYNC=never}). */
    static TestNode start(TestInfo test, Map<String, String> settings) {
        Map<String, String> all = new HashMap<>(Map.of(
                "DATA_DIR", TestData.directory(test).toString(),
                "HTTP_PORT", "0",
                "HTTP_HOST", "127.0.0.1",
                "FSYNC", "never"));
        all.putAll(settings);
        return new TestNode(StoreLogServer.start(Settings.of(all)));
    }

    int port() {
        return server.port();
    }

    String url() {
        return "http://127.0.0.1:" + server.port();
    }

    /** A client of this node with timeouts short enough for tests. */
    StoreLogClient client() {
        return clientOf(url());
    }

    static StoreLogClient clientOf(String... urls) {
        return StoreLogClient.builder()
                .nodes(java.util.List.of(urls))
                .connectTimeout(Duration.ofSeconds(2))
                .requestTimeout(Duration.ofSeconds(5))
                .tailWait(Duration.ofMillis(500))
                .build();
    }

    @Override
    public void close() {
        server.close();
    }
}
