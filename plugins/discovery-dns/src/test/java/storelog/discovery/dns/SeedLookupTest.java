package storelog.discovery.dns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;
import storelog.testkit.TestDnsServer;
import storelog.testkit.TestDnsServer.Query;

/** What is asked of DNS, and which seeds the records give (SeedLookup, through a started discovery). */
class SeedLookupTest extends AgainstTestDnsServer {

    private static final Duration WAIT = Duration.ofSeconds(5);


    @Test
    void srvRecordsGiveTheirTargetsAddressesWithTheRecordsPorts() {
        dns.set(Discoveries.SERVICE, "SRV 0 0 7801 node1.storelog.test", "SRV 10 5 7802 node2.storelog.test");
        dns.set("node1.storelog.test", "A 127.0.0.11");
        dns.set("node2.storelog.test", "A 127.0.0.12");

        DnsDiscovery discovery = discoveries.start(dns, log);

        assertThat(Discoveries.awaitSeeds(discovery)).containsExactly("127.0.0.11:7801", "127.0.0.12:7802");
        assertThat(discovery.members()).isEmpty();
    }

    @Test
    void aRecordsGiveTheirAddressesWithClusterPort() {
        dns.set(Discoveries.SERVICE, "A 127.0.0.21", "A 127.0.0.22");

        DnsDiscovery discovery = discoveries.start(Discoveries.settings(dns, DnsConfig.CLUSTER_PORT, "7700"), log);

        assertThat(Discoveries.awaitSeeds(discovery)).containsExactly("127.0.0.21:7700", "127.0.0.22:7700");
    }

    @Test
    void aaaaRecordsGiveBracketedIpv6SeedsInTheirShortestForm() {
        dns.set(Discoveries.SERVICE, "AAAA ::1", "AAAA fd00:0:0:0:0:0:0:5");

        DnsDiscovery discovery = discoveries.start(dns, log);

        assertThat(Discoveries.awaitSeeds(discovery)).containsExactly("[::1]:7946", "[fd00::5]:7946");
    }

    @Test
    void srvAAndAaaaTogetherGiveTheUnionWithoutDuplicatesIpv4First() {
        dns.set(Discoveries.SERVICE, "AAAA ::1", "A 127.0.0.31", "SRV 0 0 7946 node1.storelog.test",
                "SRV 0 0 7999 node1.storelog.test", "A 127.0.0.30");
        // node1 is also an A record of the service at CLUSTER_PORT: one seed, not two
        dns.set("node1.storelog.test", "A 127.0.0.31");

        DnsDiscovery discovery = discoveries.start(dns, log);

        assertThat(Discoveries.awaitSeeds(discovery)).containsExactly("127.0.0.30:7946", "127.0.0.31:7946", "127.0.0.31:7999", "[::1]:7946");
    }

    @Test
    void srvTargetsAddressesFromTheAdditionalSectionAreUsedWithoutAskingAgain() {
        dns.set(Discoveries.SERVICE, "SRV 0 0 7946 node1.storelog.test");
        dns.set("node1.storelog.test", "A 127.0.0.41", "AAAA ::1");

        DnsDiscovery discovery = discoveries.start(dns, log);

        assertThat(Discoveries.awaitSeeds(discovery)).containsExactly("127.0.0.41:7946", "[::1]:7946");
        assertThat(dns.queries()).extracting(Query::name).doesNotContain("node1.storelog.test.");
    }

    @Test
    void srvTargetsMissingFromTheAdditionalSectionAreAskedForTheirAAndAaaaRecords() {
        dns.additionalSection(false);
        dns.set(Discoveries.SERVICE, "SRV 0 0 7946 node1.storelog.test");
        dns.set("node1.storelog.test", "A 127.0.0.51", "AAAA ::1");

        DnsDiscovery discovery = discoveries.start(dns, log);

        assertThat(Discoveries.awaitSeeds(discovery)).containsExactly("127.0.0.51:7946", "[::1]:7946");
        assertThat(dns.queries()).contains(new Query("node1.storelog.test.", "A", false), new Query("node1.storelog.test.", "AAAA", false));
    }

    @Test
    void srvTargetsWithoutAddressesAndTheNoServiceTargetGiveNoSeed() {
        dns.set(Discoveries.SERVICE, "SRV 0 0 7946 gone.storelog.test", "SRV 0 0 7946 .", "SRV 0 0 7946 node1.storelog.test");
        dns.set("node1.storelog.test", "A 127.0.0.61");

        DnsDiscovery discovery = discoveries.start(dns, log);

        assertThat(Discoveries.awaitSeeds(discovery)).containsExactly("127.0.0.61:7946");
        assertThat(log.at(Level.INFO)).singleElement().asString()
                .contains("SRV gone.storelog.test.:7946 -> no address", "SRV . (no service)");
    }

    @Test
    void seedsAreInOneOrderWhateverOrderTheAnswersComeInAndAReorderedAnswerIsNoChange() {
        dns.set(Discoveries.SERVICE, "A 127.0.0.73", "A 127.0.0.71", "A 127.0.0.72");
        DnsDiscovery discovery = discoveries.start(dns, log);
        assertThat(Discoveries.awaitSeeds(discovery)).containsExactly("127.0.0.71:7946", "127.0.0.72:7946", "127.0.0.73:7946");

        dns.set(Discoveries.SERVICE, "A 127.0.0.72", "A 127.0.0.73", "A 127.0.0.71");
        int asked = dns.queries().size();
        await().atMost(WAIT).until(() -> dns.queries().size() >= asked + 6); // two more resolutions

        assertThat(discovery.seeds()).containsExactly("127.0.0.71:7946", "127.0.0.72:7946", "127.0.0.73:7946");
        assertThat(log.at(Level.INFO)).as("logged once: the answer did not change").hasSize(1);
    }

    @Test
    void aTruncatedUdpAnswerIsAskedAgainOverTcpAndEveryRecordIsUsed() {
        List<String> services = new ArrayList<>();
        List<String> expected = new ArrayList<>();
        for (int i = 1; i <= 100; i++) {
            services.add("SRV 0 0 " + (7000 + i) + " node" + i + ".storelog.test");
            dns.set("node" + i + ".storelog.test", "A 127.0.1." + i);
            expected.add("127.0.1." + i + ":" + (7000 + i));
        }
        dns.set(Discoveries.SERVICE, services.toArray(String[]::new));

        DnsDiscovery discovery = discoveries.start(dns, log);

        assertThat(Discoveries.awaitSeeds(discovery)).containsExactlyElementsOf(expected);
        assertThat(dns.queries()).contains(new Query("storelog.test.", "SRV", false), new Query("storelog.test.", "SRV", true));
    }

    @Test
    void dnsServerGivenAsAHostNameIsLookedUpByTheJvm() {
        dns.set(Discoveries.SERVICE, "A 127.0.0.81");

        DnsDiscovery discovery = discoveries.start(Discoveries.settings(dns, DnsConfig.DNS_SERVER, "localhost:" + dns.port()), log);

        assertThat(Discoveries.awaitSeeds(discovery)).containsExactly("127.0.0.81:7946");
    }

    @Test
    void dnsServerGivenAsABracketedIpv6AddressWithPort() {
        try (TestDnsServer v6 = TestDnsServer.start("::1", 0)) {
            v6.set(Discoveries.SERVICE, "AAAA ::1");

            DnsDiscovery discovery = discoveries.start(Discoveries.settings(v6, DnsConfig.DNS_SERVER, "[::1]:" + v6.port()), log);

            assertThat(Discoveries.awaitSeeds(discovery)).containsExactly("[::1]:7946");
        }
    }

    @Test
    void dnsServerWithoutAPortIsAskedOnPort53() {
        // an address of 127.0.0.0/8 of its own, so port 53 is free there
        String host = "127.53." + ThreadLocalRandom.current().nextInt(1, 255) + "." + ThreadLocalRandom.current().nextInt(1, 255);
        try (TestDnsServer on53 = TestDnsServer.start(host, 53)) {
            on53.set(Discoveries.SERVICE, "A 127.0.0.91");

            DnsDiscovery discovery = discoveries.start(Discoveries.settings(on53, DnsConfig.DNS_SERVER, host), log);

            assertThat(Discoveries.awaitSeeds(discovery)).containsExactly("127.0.0.91:7946");
            assertThat(on53.queries()).isNotEmpty();
        }
    }

    @Test
    void theServiceNameIsAskedExactlyForSrvAAndAaaaAndNothingElse() {
        dns.set(Discoveries.SERVICE, "A 127.0.0.95");

        DnsDiscovery discovery = discoveries.start(dns, log);

        assertThat(Discoveries.awaitSeeds(discovery)).containsExactly("127.0.0.95:7946");
        assertThat(dns.queries().subList(0, 3)).containsExactly(
                new Query("storelog.test.", "SRV", false), new Query("storelog.test.", "A", false),
                new Query("storelog.test.", "AAAA", false));
        assertThat(new HashSet<>(dns.queries())).hasSize(3);
    }

    @Test
    void dnsjavasOwnSelectorThreadIsNeverStarted() {
        dns.set(Discoveries.SERVICE, "A 127.0.0.99");

        DnsDiscovery discovery = discoveries.start(dns, log);

        assertThat(Discoveries.awaitSeeds(discovery)).isNotEmpty();
        assertThat(Thread.getAllStackTraces().keySet()).extracting(Thread::getName)
                .noneMatch(name -> name.startsWith("dnsjava"));
    }
}
