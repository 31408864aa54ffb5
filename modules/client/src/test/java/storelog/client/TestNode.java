package storelog.client;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
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
        Map<String, String> all = defaults(TestData.directory(test));
        all.putAll(settings);
        return new TestNode(StoreLogServer.start(Settings.of(all)));
    }

    private static Map<String, String> defaults(java.nio.file.Path dataDir) {
        return new HashMap<>(Map.of("DATA_DIR", dataDir.toString(), "HTTP_PORT", "0", "HTTP_HOST", "127.0.0.1", "FSYNC", "never"));
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

    /**
     * A node and a client of it for each test of a class:
     * {@code @RegisterExtension final TestNode.PerTest node = new TestNode.PerTest();}.
     */
    static final class PerTest implements BeforeEachCallback, AfterEachCallback {
        private TestNode node;
        private StoreLogClient client;

        @Override
        public void beforeEach(ExtensionContext context) {
            node = new TestNode(StoreLogServer.start(Settings.of(defaults(
                    TestData.directory(context.getRequiredTestClass(), context.getRequiredTestMethod().getName())))));
            client = node.client();
        }

        @Override
        public void afterEach(ExtensionContext context) {
            client.close();
            node.close();
        }

        TestNode node() {
            return node;
        }

        StoreLogClient client() {
            return client;
        }
    }
}
