package storelog.discovery.dns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import storelog.api.InvalidSettingException;
import storelog.api.Settings;

class DnsConfigTest {

    private static DnsConfig config(String... pairs) {
        Map<String, String> settings = new java.util.HashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            settings.put(pairs[i], pairs[i + 1]);
        }
        return DnsConfig.from(Settings.of(settings));
    }

    @Test
    void defaultsAskTheSystemResolversForStorelogClusterWithGossipPort7946Every15Seconds() {
        DnsConfig config = config();

        assertThat(config.serviceName()).hasToString("storelog-cluster");
        assertThat(config.serviceName().isAbsolute()).isFalse();
        assertThat(config.server()).isEmpty();
        assertThat(NameServers.of(config)).isInstanceOf(NameServers.SystemConfiguration.class);
        assertThat(config.clusterPort()).isEqualTo(7946);
        assertThat(config.interval()).isEqualTo(Duration.ofSeconds(15));
        assertThat(config.timeout()).isEqualTo(Duration.ofSeconds(2));
    }

    @Test
    void blankValuesAreUnset() {
        DnsConfig config = config(DnsConfig.SERVICE_NAME, " ", DnsConfig.DNS_SERVER, "", DnsConfig.CLUSTER_PORT, " ");

        assertThat(config.serviceName()).hasToString("storelog-cluster");
        assertThat(config.server()).isEmpty();
        assertThat(config.clusterPort()).isEqualTo(7946);
    }

    @ParameterizedTest
    @ValueSource(strings = {"storelog", "storelog.default.svc.cluster.local", "storelog.example.com.", "_storelog._tcp.example.com",
            "a-b.c0.d", "x"})
    void serviceNamesThatAreDnsNamesAreTaken(String name) {
        DnsConfig config = config(DnsConfig.SERVICE_NAME, name);

        assertThat(config.serviceName().toString()).isEqualTo(name);
        assertThat(config.serviceName().isAbsolute()).isEqualTo(name.endsWith("."));
    }

    @ParameterizedTest
    @ValueSource(strings = {"bad name", "-storelog", "storelog-", "a..b", ".storelog", "storelog/x", "störe", "a.b:53",
            "[::1]", "*.example.com", "1234567890123456789012345678901234567890123456789012345678901234.com"})
    void serviceNamesThatAreNotDnsNamesAreRefusedNamingServiceName(String name) {
        assertThatThrownBy(() -> config(DnsConfig.SERVICE_NAME, name))
                .isInstanceOfSatisfying(InvalidSettingException.class, e -> {
                    assertThat(e.name()).isEqualTo("SERVICE_NAME");
                    assertThat(e.value()).isEqualTo(name);
                })
                .hasMessageStartingWith("SERVICE_NAME=" + name + ": expected a DNS name");
    }

    @Test
    void aServiceNameLongerThan253CharactersIsRefused() {
        String longest = ("a".repeat(63) + ".").repeat(3) + "a".repeat(61);
        assertThat(longest).hasSize(253);
        assertThat(config(DnsConfig.SERVICE_NAME, longest).serviceName().toString()).isEqualTo(longest);
        assertThat(config(DnsConfig.SERVICE_NAME, longest + ".").serviceName().isAbsolute()).isTrue();

        assertThatThrownBy(() -> config(DnsConfig.SERVICE_NAME, longest + "a"))
                .isInstanceOfSatisfying(InvalidSettingException.class, e -> assertThat(e.name()).isEqualTo("SERVICE_NAME"));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "127.0.0.1|127.0.0.1|53",
            "127.0.0.1:5353|127.0.0.1|5353",
            "dns.example.com|dns.example.com|53",
            "dns.example.com:1|dns.example.com|1",
            "localhost:65535|localhost|65535",
            "[::1]|::1|53",
            "[fd00::53]:5353|fd00::53|5353",
            "::1|::1|53",
            "fd00::53|fd00::53|53",
            " 192.0.2.53:53 |192.0.2.53|53"})
    void dnsServerIsAHostOrAddressWithAnOptionalPortThat53Replaces(String value, String host, int port) {
        Optional<ServerAddress> server = config(DnsConfig.DNS_SERVER, value).server();

        assertThat(server).contains(new ServerAddress(host, port));
        assertThat(NameServers.of(config(DnsConfig.DNS_SERVER, value))).isInstanceOf(NameServers.Configured.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"dns.example.com:0", "dns.example.com:65536", "dns.example.com:99999", "dns.example.com:abc",
            "dns.example.com:", ":53", "dns example.com", "[::1", "[::1]:", "[::1]:0", "[dns.example.com]:53", "::g",
            "1.2.3.4.5", "999.1.1.1", "256.0.0.1:53", "host:53:54", "dns.example.com:-1", "http://dns.example.com"})
    void anUnparsableDnsServerIsRefusedNamingDnsServer(String value) {
        assertThatThrownBy(() -> config(DnsConfig.DNS_SERVER, value))
                .isInstanceOfSatisfying(InvalidSettingException.class, e -> {
                    assertThat(e.name()).isEqualTo("DNS_SERVER");
                    assertThat(e.value()).isEqualTo(value);
                })
                .hasMessageStartingWith("DNS_SERVER=" + value + ": ")
                .hasMessageContaining("expected host[:port]");
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "65536", "-1", "port", "7946.5"})
    void aClusterPortOutside1To65535IsRefusedNamingClusterPort(String value) {
        assertThatThrownBy(() -> config(DnsConfig.CLUSTER_PORT, value))
                .isInstanceOfSatisfying(InvalidSettingException.class, e -> assertThat(e.name()).isEqualTo("CLUSTER_PORT"))
                .hasMessageStartingWith("CLUSTER_PORT=" + value + ": ");
    }

    @Test
    void clusterPortIsTakenFrom1To65535() {
        assertThat(config(DnsConfig.CLUSTER_PORT, "1").clusterPort()).isEqualTo(1);
        assertThat(config(DnsConfig.CLUSTER_PORT, "65535").clusterPort()).isEqualTo(65535);
    }

    @ParameterizedTest
    @CsvSource({"DNS_INTERVAL_MS,9", "DNS_INTERVAL_MS,never", "DNS_INTERVAL_MS,86400001", "DNS_TIMEOUT_MS,0",
            "DNS_TIMEOUT_MS,60001", "DNS_TIMEOUT_MS,2s"})
    void intervalsAndTimeoutsOutOfRangeAreRefusedNamingTheVariable(String name, String value) {
        assertThatThrownBy(() -> config(name, value))
                .isInstanceOfSatisfying(InvalidSettingException.class, e -> assertThat(e.name()).isEqualTo(name));
    }

    @Test
    void theFirstBadSettingIsReportedEvenWhenOthersAreFine() {
        assertThatThrownBy(() -> config(DnsConfig.SERVICE_NAME, "ok.example.com", DnsConfig.DNS_SERVER, "127.0.0.1:53",
                DnsConfig.CLUSTER_PORT, "0"))
                .isInstanceOfSatisfying(InvalidSettingException.class, e -> assertThat(e.name()).isEqualTo("CLUSTER_PORT"));
    }
}
