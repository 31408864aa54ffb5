package storelog.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import storelog.api.EpochStart;
import storelog.api.NewRecord;
import storelog.api.PartitionKey;
import storelog.api.Record;
import storelog.api.Settings;
import storelog.api.spi.Member;
import storelog.api.spi.StorageEngine;
import storelog.core.PluginRegistry;
import storelog.testkit.TestData;

/**
 * A new leader's catch-up against one stub follower ("b", over real HTTP) that holds a record the
 * leader lacks: a record the old leader acknowledged under {@code ACKS=all} with b as the second node.
 */
class LeaderTermCatchUpTest {

    private static final PartitionKey KEY = PartitionKey.of("events");
    private static final String SECRET = "s3cret";

    private StorageEngine engine;
    private HttpServer follower;
    private final AtomicInteger recordsAsked = new AtomicInteger();
    private volatile int failRecords;
    private LeaderTerm term;

    @BeforeEach
    void setUp(TestInfo test) throws IOException {
        Path dir = TestData.directory(test);
        engine = PluginRegistry.bootLayer().storageEngine("file").open(Settings.of(Map.of("DATA_DIR", dir.toString())));
        engine.append(KEY, 5, List.of(NewRecord.string("r0", 1), NewRecord.string("r1", 1)));
        follower = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        follower.createContext("/replica/state", ex -> answer(ex, 200,
                "{\"node_id\":\"b\",\"epoch\":7,\"partitions\":{\"events\":{\"next_offset\":3,\"epochs\":[[5,0]]}}}"));
        follower.createContext("/replica/records", ex -> {
            if (recordsAsked.incrementAndGet() <= failRecords) {
                answer(ex, 503, "{\"code\":\"busy\"}");
                return;
            }
            String data = Base64.getEncoder().encodeToString("acked".getBytes(StandardCharsets.UTF_8));
            answer(ex, 200, "{\"records\":[{\"offset\":2,\"data\":\"" + data + "\",\"data_type\":2,\"timestamp\":1}],"
                    + "\"next_offset\":3,\"epochs\":[[5,0]]}");
        });
        follower.createContext("/replicate", ex -> answer(ex, 200, "{\"status\":\"ok\",\"next_offset\":3}"));
        follower.createContext("/", ex -> answer(ex, 200, "{}"));
        follower.start();
    }

    @AfterEach
    void tearDown() {
        if (term != null) {
            term.close();
        }
        follower.stop(0);
        engine.close();
    }

    private static void answer(HttpExchange ex, int status, String body) throws IOException {
        ex.getRequestBody().readAllBytes();
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(status, bytes.length);
        ex.getResponseBody().write(bytes);
        ex.close();
    }

    private LeaderTerm startTerm() {
        String http = "127.0.0.1:" + follower.getAddress().getPort();
        ReplicationSettings settings = new ReplicationSettings(true, 2, Duration.ofSeconds(1), Duration.ofSeconds(10), SECRET);
        LeaderTerm t = new LeaderTerm(7, engine, settings, new PeerClient(SECRET, Duration.ofSeconds(2)),
                () -> List.of(new Member("b", http, Map.of())), epoch -> { });
        t.start();
        return t;
    }

    @Test
    void takesTheMoreUpToDateLogOfTheQuorumBeforeServing() {
        term = startTerm();

        await().atMost(Duration.ofSeconds(10)).until(term::ready);
        assertThat(engine.read(KEY, 0, 10, Long.MAX_VALUE)).extracting(Record::text).containsExactly("r0", "r1", "acked");
        assertThat(engine.epochs(KEY)).containsExactly(new EpochStart(5, 0));
    }

    /**
     * The copy from the node with the best log fails once (a timeout, a busy node): serving then would
     * stamp the new leader's records over the offset of an acknowledged record, and the followers
     * holding it would cut it as divergent. The new leader must not serve before it has copied it.
     */
    @Test
    void doesNotServeWhileTheCopyOfTheBestLogFailed() {
        failRecords = 1;
        term = startTerm();

        await().atMost(Duration.ofSeconds(10)).until(term::ready);
        assertThat(recordsAsked.get()).as("asked again after the failure").isGreaterThan(1);
        assertThat(engine.read(KEY, 0, 10, Long.MAX_VALUE)).extracting(Record::text).containsExactly("r0", "r1", "acked");
    }
}
