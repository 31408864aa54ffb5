package storelog.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.Socket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import storelog.testkit.TestData;

/**
 * A node whose HTTP listener stopped by itself does not go on running without HTTP: an accept that
 * fails for want of a file descriptor ends Helidon's listener for good (it accepts nothing more and stops
 * once its open connections are gone), so the node then shuts down in order and exits
 * {@link ShutdownSignals#HTTP_LOST_EXIT} for its supervisor to restart it.
 */
class ListenerLostTest {

    private static final int LIMIT = 600;

    @Test
    void whenTheListenerEndsForWantOfDescriptorsTheNodeShutsDownAndExitsThree(TestInfo test) throws Exception {
        Path dir = TestData.directory(test);
        try (ServerProcess server = ServerProcess.startWithOpenFileLimit(LIMIT, dir, Map.of())) {
            int port = server.awaitPort();
            List<Socket> held = new ArrayList<>();
            try {
                // more connections than the process has descriptors (MAX_CONNECTIONS, 4096, is above the limit)
                for (int i = 0; i < 2 * LIMIT && server.process().isAlive(); i++) {
                    try {
                        held.add(new Socket("127.0.0.1", port));
                    } catch (IOException refused) {
                        break; // the listener is gone
                    }
                }
                server.awaitStderr("this server socket is terminating now"); // Helidon's listener ended on an accept
            } finally {
                for (Socket s : held) {
                    s.close(); // Helidon stops a listener only once its connections are gone
                }
            }
            server.awaitStderr("stopped by itself");
            assertThat(server.awaitExit()).as("exit code (server log: %s)", server.stderr()).isEqualTo(ShutdownSignals.HTTP_LOST_EXIT);
            assertThat(server.stderr()).contains("StoreLog stopped in"); // the orderly shutdown ran: the engine closed cleanly
            assertThat(dir.resolve("data").resolve(".clean-shutdown")).as("the clean-shutdown marker").exists();
        }
    }
}
