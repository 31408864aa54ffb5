package storelog.discovery.dns;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.ResolverConfig;
import storelog.testkit.TestDnsServer.Query;

/**
 * Without DNS_SERVER the system's resolver configuration is used: its servers and search domains.
 * The test gives dnsjava that configuration through its {@code dns.server} and {@code dns.search}
 * properties (read before /etc/resolv.conf), so nothing is sent to the machine's real resolver.
 */
class SystemConfigurationTest extends AgainstTestDnsServer {


    @BeforeEach
    void useTheTestServerAsTheSystemResolver() {
        System.setProperty("dns.server", dns.address());
        System.setProperty("dns.search", "cluster.test,storelog.test");
        ResolverConfig.refresh();
        assertThat(ResolverConfig.getCurrentConfig().servers()).extracting(Object::toString).containsExactly("/" + dns.address());
    }

    @AfterEach
    void backToTheRealSystemConfiguration() {
        System.clearProperty("dns.server");
        System.clearProperty("dns.search");
        ResolverConfig.refresh();
    }

    private Map<String, String> withoutDnsServer(String serviceName) {
        Map<String, String> settings = new HashMap<>(Discoveries.settings(dns, DnsConfig.SERVICE_NAME, serviceName));
        settings.remove(DnsConfig.DNS_SERVER);
        return settings;
    }

    @Test
    void aShortServiceNameIsFoundUnderASearchDomainOfTheSystemConfiguration() {
        dns.set("nodes.storelog.test", "A 127.0.0.1");

        DnsDiscovery discovery = discoveries.start(withoutDnsServer("nodes"), log);

        assertThat(Discoveries.awaitSeeds(discovery)).containsExactly("127.0.0.1:7946");
        assertThat(dns.queries()).extracting(Query::name).startsWith(
                "nodes.cluster.test.", "nodes.cluster.test.", "nodes.cluster.test.", "nodes.storelog.test.");
        assertThat(dns.queries()).extracting(Query::name).doesNotContain("nodes.");
    }

    @Test
    void aFullyQualifiedServiceNameIsAskedAsItIs() {
        dns.set("nodes.", "A 127.0.0.2");

        DnsDiscovery discovery = discoveries.start(withoutDnsServer("nodes."), log);

        assertThat(Discoveries.awaitSeeds(discovery)).containsExactly("127.0.0.2:7946");
        assertThat(dns.queries()).extracting(Query::name).containsOnly("nodes.");
    }

    @Test
    void noNameWithRecordsAfterTheWholeSearchIsAnAnswerWithoutSeeds() {
        DnsDiscovery discovery = discoveries.start(withoutDnsServer("nodes"), log);

        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).until(() -> !log.at(System.Logger.Level.INFO).isEmpty());
        assertThat(discovery.seeds()).isEmpty();
        assertThat(log.at(System.Logger.Level.INFO)).singleElement().asString()
                .contains("system resolvers [" + dns.address() + "]", "NXDOMAIN (no such name): nodes.cluster.test., nodes.storelog.test., nodes.");
    }
}
