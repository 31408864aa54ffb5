package storelog.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.helidon.config.Config;
import io.helidon.config.ConfigSources;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import storelog.api.InvalidSettingException;
import storelog.api.Settings;
import storelog.testkit.TestData;

/** The listener-end watch in one JVM: what a start that fails leaves behind, and the exit code a signal chose. */
class ListenerEndWatchTest {

    private static Settings settings(Path dir) {
        return Settings.of(Map.of("DATA_DIR", dir.toString(), "HTTP_PORT", "0", "HTTP_HOST", "127.0.0.1", "FSYNC", "never"));
    }

    @Test
    void aStartThatFailsOnceTheWatchIsOnLeavesNoHandlerOnHelidonsLogger(TestInfo test) throws Exception {
        Logger helidon = Logger.getLogger("io.helidon.webserver.ServerListener");
        int before = helidon.getHandlers().length;
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            // a second listener on a port in use: Helidon starts, is not running, and start() gives up after the watch began
            Config section = Config.just(ConfigSources.create(Map.of("server.sockets.0.name", "other",
                    "server.sockets.0.host", "127.0.0.1", "server.sockets.0.port", Integer.toString(taken.getLocalPort()))))
                    .get("server");
            assertThatThrownBy(() -> StoreLogServer.start(settings(TestData.directory(test)), Optional.of(section)))
                    .isInstanceOf(InvalidSettingException.class);
        }
        assertThat(helidon.getHandlers()).as("handlers on Helidon's listener logger").hasSize(before);
    }

    @Test
    void aListenerThatEndsAfterASignalStartedTheShutdownLeavesTheExitCodeZero(TestInfo test) throws Exception {
        StoreLogServer server = StoreLogServer.start(settings(TestData.directory(test)), Optional.empty());
        ShutdownSignals signals = new ShutdownSignals(server, code -> {
            throw new AssertionError("halted with " + code);
        });
        signals.received("SIGTERM");
        signals.httpLost("the listener ended"); // raced with the signal: it counts as a second one

        signals.awaitStopped();
        assertThat(server.isClosed()).isTrue();
        assertThat(signals.exitCode()).as("the SIGTERM's shutdown, exit code").isZero();
    }
}
