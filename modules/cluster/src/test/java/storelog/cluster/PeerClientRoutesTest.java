package storelog.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import storelog.api.PartitionKey;
import storelog.api.Settings;
import storelog.api.spi.PeerRoutes;

/** {@code PEER_ROUTES}: the leader dials a follower's advertised HTTP address where the route says. */
class PeerClientRoutesTest {

    /** A loopback port nobody listens on (bound, then released). */
    private static int closedPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @Test
    void aRoutedFollowerIsReachedAtItsRouteNotAtTheAddressItAdvertises() throws Exception {
        try (StubFollower follower = new StubFollower()) {
            String advertised = "127.0.0.1:" + closedPort();
            String real = follower.member("b").http();
            PeerRoutes routes = PeerRoutes.from(Settings.of(Map.of("PEER_ROUTES", advertised + "=" + real)));
            PeerClient routed = new PeerClient("s", Duration.ofSeconds(2), routes);
            PeerClient direct = new PeerClient("s", Duration.ofSeconds(2));

            routed.ping(advertised);
            assertThat(routed.records(advertised, PartitionKey.of("p"), 0, 10).records()).isEmpty();
            assertThatThrownBy(() -> direct.ping(advertised)).as("without the route, nobody answers there")
                    .isInstanceOf(IOException.class);
            direct.ping(real); // an address without a route is dialled as it is
            routed.ping(real);
        }
    }
}
