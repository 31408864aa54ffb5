package storelog.discovery.gossip;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import storelog.api.InvalidSettingException;
import storelog.api.Settings;

class GossipConfigTest {

    private static GossipConfig config(String... pairs) {
        Map<String, String> map = new HashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            map.put(pairs[i], pairs[i + 1]);
        }
        return GossipConfig.from(Settings.of(map));
    }

    @Test
    void theDefaultsBindEveryInterfaceAndAdvertiseLoopbackOnPort7946() {
        GossipConfig config = config();

        assertThat(config.bind()).isEqualTo(new HostPort("0.0.0.0", 7946));
        assertThat(config.bindAddress().isAnyLocalAddress()).isTrue();
        assertThat(config.advertise()).isEqualTo(new HostPort("127.0.0.1", 7946));
        assertThat(config.advertisesElsewhere()).as("JGroups must be told the address to advertise").isTrue();
        assertThat(config.cluster()).isEqualTo("storelog-cluster");
        assertThat(config.secret().isSet()).isFalse();
        assertThat(config.failureTimeoutMillis()).isEqualTo(3000);
    }

    @Test
    void aBindAddressThatIsTheAdvertisedOneNeedsNoExternalAddress() {
        GossipConfig config = config("BIND_ADDR", "127.0.0.1:7000", "ADVERTISE_ADDR", "127.0.0.1:7000");

        assertThat(config.advertisesElsewhere()).isFalse();
        assertThat(config("BIND_ADDR", "127.0.0.1:7000", "ADVERTISE_ADDR", "127.0.0.1:7001").advertisesElsewhere()).isTrue();
    }

    @Test
    void ipv6AddressesAreWrittenInBrackets() {
        GossipConfig config = config("BIND_ADDR", "[::]:7946", "ADVERTISE_ADDR", "[::1]:7946");

        assertThat(config.bindAddress().isAnyLocalAddress()).isTrue();
        assertThat(config.advertiseAddress().isLoopbackAddress()).isTrue();
        assertThat(config.advertise()).hasToString("[::1]:7946");
    }

    @ParameterizedTest
    @ValueSource(strings = {"7946", "127.0.0.1", "127.0.0.1:0", "127.0.0.1:65536", "::1:7946", "127.0.0.1:-1", "a b:1", ":7946"})
    void aBindAddressThatIsNotHostAndPortNamesBindAddr(String value) {
        assertThatThrownBy(() -> config("BIND_ADDR", value)).isInstanceOfSatisfying(InvalidSettingException.class,
                e -> assertThat(e.name()).isEqualTo("BIND_ADDR")).hasMessageStartingWith("BIND_ADDR=" + value + ": ");
    }

    @Test
    void aBindAddressOfAnotherMachineIsRefused() {
        assertThatThrownBy(() -> config("BIND_ADDR", "192.0.2.1:7946", "ADVERTISE_ADDR", "192.0.2.1:7946"))
                .isInstanceOfSatisfying(InvalidSettingException.class, e -> assertThat(e.name()).isEqualTo("BIND_ADDR"))
                .hasMessageContaining("not an address of this machine");
    }

    @Test
    void anUnresolvableHostNamesItsVariable() {
        assertThatThrownBy(() -> config("ADVERTISE_ADDR", "no-such-host.invalid:7946"))
                .isInstanceOfSatisfying(InvalidSettingException.class, e -> assertThat(e.name()).isEqualTo("ADVERTISE_ADDR"))
                .hasMessageContaining("cannot be resolved");
    }

    @ParameterizedTest
    @ValueSource(strings = {"0.0.0.0:7946", "[::]:7946", "224.0.0.1:7946"})
    void anAdvertisedAddressNoNodeCanConnectToIsRefused(String value) {
        assertThatThrownBy(() -> config("ADVERTISE_ADDR", value))
                .isInstanceOfSatisfying(InvalidSettingException.class, e -> assertThat(e.name()).isEqualTo("ADVERTISE_ADDR"));
    }

    @Test
    void aLoopbackAdvertisedAddressWithALoopbackBindIsFine() {
        assertThat(config("BIND_ADDR", "127.0.0.1:7946").advertiseAddress().isLoopbackAddress()).isTrue();
    }

    @Test
    void aNonLoopbackAdvertisedAddressWithALoopbackBindIsRefusedNobodyCouldReachIt() {
        assertThatThrownBy(() -> config("BIND_ADDR", "127.0.0.1:7946", "ADVERTISE_ADDR", "192.0.2.1:7946"))
                .isInstanceOfSatisfying(InvalidSettingException.class, e -> assertThat(e.name()).isEqualTo("ADVERTISE_ADDR"))
                .hasMessageContaining("listens on loopback only");
    }

    @ParameterizedTest
    @CsvSource({"0, expected a number from 300", "299, expected a number from 300", "600001, expected a number from 300",
            "soon, expected a whole number"})
    void aFailureTimeoutOutOfRangeIsRefused(String value, String reason) {
        assertThatThrownBy(() -> config("GOSSIP_FAILURE_TIMEOUT_MS", value))
                .isInstanceOfSatisfying(InvalidSettingException.class, e -> assertThat(e.name()).isEqualTo("GOSSIP_FAILURE_TIMEOUT_MS"))
                .hasMessageContaining(reason);
    }

    @Test
    void aServiceNameWithControlCharactersOrTooLongIsRefused() {
        assertThatThrownBy(() -> config("SERVICE_NAME", "a\u0001b")).isInstanceOf(InvalidSettingException.class);
        assertThatThrownBy(() -> config("SERVICE_NAME", "x".repeat(201))).isInstanceOf(InvalidSettingException.class);
        assertThat(config("SERVICE_NAME", "x".repeat(200)).cluster()).hasSize(200);
    }

    @Test
    void theSecretIsNeverShown() {
        GossipConfig config = config("CLUSTER_SECRET", "s3cr3t-value");

        assertThat(config.secret().isSet()).isTrue();
        assertThat(config.toString()).doesNotContain("s3cr3t-value").contains("a secret (not shown)");
        assertThat(config.secret().toString()).doesNotContain("s3cr3t-value");
    }

    @Test
    void aBlankSecretIsNoSecret() {
        assertThat(config("CLUSTER_SECRET", "   ").secret().isSet()).isFalse();
    }
}
