package storelog.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import storelog.api.NewRecord;
import storelog.api.PartitionKey;
import storelog.api.Settings;
import storelog.api.spi.Member;
import storelog.api.spi.StorageEngine;
import storelog.core.PluginRegistry;
import storelog.testkit.TestData;

/**
 * Under {@code ACKS=leader}, after the 1 s grace a new leader waits for the state requests in flight
 * (docs/cluster.md, "ACKS": failover "takes up to one request timeout longer"). Two members that
 * hang (paused processes, blackholed links) and were first asked at different moments used to be
 * asked again and again after the grace, their requests in flight in turns, so that no moment found
 * none in flight: the term never served. After the grace nobody new is asked under
 * {@code ACKS=leader}; the requests in flight then are all it waits for.
 */
class LeaderTermHangingMembersTest {

    private static final String SECRET = "s3cret";
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(1);

    private StorageEngine engine;
    /** Members that hang like a paused process: the kernel accepts connections, nobody ever answers. */
    private ServerSocket b;
    private ServerSocket c;
    private LeaderTerm term;

    private static ServerSocket hanging() throws IOException {
        return new ServerSocket(0, 100, InetAddress.getLoopbackAddress()); // never accepts: requests time out
    }

    private static Member member(String id, ServerSocket socket) {
        return new Member(id, "127.0.0.1:" + socket.getLocalPort(), Map.of());
    }

    @BeforeEach
    void setUp(TestInfo test) throws IOException {
        Path dir = TestData.directory(test);
        engine = PluginRegistry.bootLayer().storageEngine("file").open(Settings.of(Map.of("DATA_DIR", dir.toString())));
        engine.append(PartitionKey.of("events"), 5, List.of(NewRecord.string("r0", 1)));
        b = hanging();
        c = hanging();
    }

    @AfterEach
    void tearDown() throws IOException {
        if (term != null) {
            term.close();
        }
        b.close();
        c.close();
        engine.close();
    }

    @Test
    void twoHangingMembersAskedAtDifferentMomentsDelayServingByOneRequestTimeoutAtMost() {
        long start = System.nanoTime();
        ReplicationSettings acksLeader = new ReplicationSettings(false, 2, Duration.ofSeconds(1), Duration.ofSeconds(10), SECRET, 4);
        // c enters the view half a request timeout after b: their requests time out, and are asked again, in turns
        term = new LeaderTerm(7, engine, acksLeader, new PeerClient(SECRET, REQUEST_TIMEOUT),
                () -> System.nanoTime() - start < REQUEST_TIMEOUT.toNanos() / 2 ? List.of(member("b", b))
                        : List.of(member("b", b), member("c", c)),
                higher -> { }, new storelog.core.LogService(engine, java.time.Clock.systemUTC()).readFence());
        term.start();
        await().atMost(Duration.ofSeconds(30)).until(term::ready);
        // the grace (1 s) plus one request timeout, and as much again for a loaded machine
        assertThat(Duration.ofNanos(System.nanoTime() - start)).as("time to serve")
                .isLessThan(Duration.ofSeconds(1).plus(REQUEST_TIMEOUT.multipliedBy(2)));
    }
}
