package storelog.api.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Map;
import org.junit.jupiter.api.Test;
import storelog.api.InvalidSettingException;
import storelog.api.Settings;

class PeerRoutesTest {

    private static PeerRoutes routes(String value) {
        return PeerRoutes.from(Settings.of(Map.of("PEER_ROUTES", value)));
    }

    @Test
    void unsetOrBlankRoutesNothing() {
        assertThat(PeerRoutes.from(Settings.of(Map.of())).isEmpty()).isTrue();
        assertThat(routes("  ").isEmpty()).isTrue();
        assertThat(PeerRoutes.none().route("127.0.0.1:8080")).isEqualTo("127.0.0.1:8080");
    }

    @Test
    void aRoutedAddressIsDialledAtItsRouteOthersAsTheyAre() throws Exception {
        PeerRoutes r = routes("127.0.0.1:7001=127.0.0.1:9001, localhost:7002=127.0.0.2:9002");
        InetAddress loopback = InetAddress.getByName("127.0.0.1");
        assertThat(r.route(new InetSocketAddress(loopback, 7001))).isEqualTo(new InetSocketAddress(loopback, 9001));
        assertThat(r.route(new InetSocketAddress(loopback, 7002))).as("host names are resolved when read")
                .isEqualTo(new InetSocketAddress(InetAddress.getByName("127.0.0.2"), 9002));
        assertThat(r.route(new InetSocketAddress(loopback, 7003))).isEqualTo(new InetSocketAddress(loopback, 7003));
        assertThat(r.route("127.0.0.1:7001")).isEqualTo("127.0.0.1:9001");
        assertThat(r.route("localhost:7002")).isEqualTo("127.0.0.2:9002");
        assertThat(r.route("127.0.0.1:7003")).isEqualTo("127.0.0.1:7003");
        assertThat(r.route("not an address")).isEqualTo("not an address");
    }

    @Test
    void unusableRoutesNameTheVariable() {
        for (String bad : new String[] {"127.0.0.1:7001", "127.0.0.1:7001=127.0.0.1", "127.0.0.1:0=127.0.0.1:1",
                "127.0.0.1:7001=127.0.0.1:9001,127.0.0.1:7001=127.0.0.1:9002", "a=b=c", "no-such-host.invalid:1=127.0.0.1:2"}) {
            assertThatThrownBy(() -> routes(bad)).as(bad).isInstanceOf(InvalidSettingException.class)
                    .hasMessageStartingWith("PEER_ROUTES=" + bad + ": ");
        }
    }
}
