package storelog.elector.raft;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import storelog.api.spi.Member;
import storelog.testkit.TestData;

/**
 * close() returns within a bound while the elector thread waits on peers that accept connections but
 * never answer (a hung process, a half-open connection): the group probe is cut short, nothing waits
 * for those peers. (A leader whose followers are gone closes in about one second: CloseTest.)
 */
class CloseBoundTest {

    private static final long BOUND_MS = 3000;

    @Test
    void closeIsBoundedWhilePeersAcceptConnectionsButNeverAnswer(TestInfo test) throws Exception {
        try (ServerSocket hole1 = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
             ServerSocket hole2 = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            List<Socket> accepted = new ArrayList<>();
            for (ServerSocket hole : List.of(hole1, hole2)) {
                Thread.ofVirtual().start(() -> {
                    try {
                        while (true) {
                            accepted.add(hole.accept()); // and never answer
                        }
                    } catch (IOException e) {
                        // closed
                    }
                });
            }
            int port = Cluster.freePort();
            List<Member> view = List.of(Node.member("n1", port), Node.member("n2", hole1.getLocalPort()),
                    Node.member("n3", hole2.getLocalPort()));
            Node node = new Node("n1", port, TestData.directory(test).resolve("n1"), Cluster.FAST, () -> view,
                    () -> List.of("a:1", "b:1", "c:1"), 0, 1).start();
            Cluster.await("probing the silent peers", java.time.Duration.ofSeconds(5), () -> accepted.size() >= 1);

            long start = System.nanoTime();
            node.close();
            long tookMs = (System.nanoTime() - start) / 1_000_000;
            System.out.printf("close took %d ms with silent peers%n", tookMs);
            assertThat(tookMs).isLessThan(BOUND_MS);
            for (Socket s : accepted) {
                s.close();
            }
        }
    }
}
