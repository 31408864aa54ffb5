package storelog.discovery.dns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import storelog.api.Settings;
import storelog.api.spi.DiscoveryContext;
import storelog.testkit.TestDnsServer;

/**
 * The discovery over time: answers that change, servers that fail, and that neither seeds() nor
 * start() nor close() waits for DNS.
 */
class ReResolutionTest extends AgainstTestDnsServer {

    private static final Duration WAIT = Duration.ofSeconds(10);


    /** Waits until the server has received {@code more} further queries (each resolution asks at least one). */
    private void awaitQueries(int more) {
        int asked = dns.queries().size();
        await().atMost(WAIT).until(() -> dns.queries().size() >= asked + more);
    }

    @Test
    void aChangedAnswerIsPickedUpWithinTheIntervalAndLoggedOnce() {
        long interval = 500;
        dns.set(Discoveries.SERVICE, "A 127.0.0.1");
        DnsDiscovery discovery = discoveries.start(Discoveries.settings(dns, DnsConfig.DNS_INTERVAL_MS, Long.toString(interval)), log);
        assertThat(Discoveries.awaitSeeds(discovery)).containsExactly("127.0.0.1:7946");

        long changed = System.nanoTime();
        dns.set(Discoveries.SERVICE, "A 127.0.0.1", "A 127.0.0.2");
        await().atMost(WAIT).until(() -> discovery.seeds().size() == 2);
        long tookMillis = (System.nanoTime() - changed) / 1_000_000;

        assertThat(discovery.seeds()).containsExactly("127.0.0.1:7946", "127.0.0.2:7946");
        // at most one pause plus one resolution; the slack is for a loaded 2-core machine
        assertThat(tookMillis).isLessThan(interval + 500);
        assertThat(log.at(Level.INFO)).hasSize(2).last().asString()
                .contains("node n1", "storelog.test", dns.address(), "A 127.0.0.1; A 127.0.0.2", "[127.0.0.1:7946, 127.0.0.2:7946]");
    }

    @Test
    void aServerThatStopsAnsweringKeepsTheLastSeedsAndLogsOneWarningPerRunOfFailures() {
        dns.set(Discoveries.SERVICE, "SRV 0 0 7946 node1.storelog.test");
        dns.set("node1.storelog.test", "A 127.0.0.1");
        DnsDiscovery discovery = discoveries.start(Discoveries.settings(dns, DnsConfig.DNS_TIMEOUT_MS, "300"), log);
        assertThat(Discoveries.awaitSeeds(discovery)).containsExactly("127.0.0.1:7946");
        int warnings = log.at(Level.WARNING).size(); // none, unless a loaded machine already lost an answer

        dns.ignoreQueries(true);
        awaitQueries(4); // four timed-out resolutions

        assertThat(discovery.seeds()).containsExactly("127.0.0.1:7946");
        assertThat(log.at(Level.WARNING)).hasSize(warnings + 1).last().asString()
                .contains("node n1", "storelog.test", "no answer from " + dns.address() + " over UDP within 300 ms",
                        "keeping the last 1 seed(s) [127.0.0.1:7946]");

        dns.ignoreQueries(false);
        await().atMost(WAIT).until(() -> log.at(Level.INFO).stream().anyMatch(l -> l.contains("works again after")));
        dns.ignoreQueries(true);
        awaitQueries(2);

        assertThat(log.at(Level.WARNING)).as("a new run of failures, a new warning").hasSize(warnings + 2);
        assertThat(discovery.seeds()).containsExactly("127.0.0.1:7946");
    }

    @Test
    void seedsAreUnknownUntilTheFirstAnswerSoAnEmptyListDuringAnOutageSinceStartIsNotNoPeers() {
        dns.ignoreQueries(true);
        DnsDiscovery discovery = discoveries.start(Discoveries.settings(dns, DnsConfig.DNS_TIMEOUT_MS, "200"), log);
        awaitQueries(2);
        assertThat(discovery.seeds()).isEmpty();
        assertThat(discovery.seedsKnown()).as("no answer yet: unknown").isFalse();

        dns.ignoreQueries(false); // NXDOMAIN: an answer, no seeds
        await().atMost(WAIT).until(discovery::seedsKnown);
        assertThat(discovery.seeds()).isEmpty();

        dns.ignoreQueries(true); // a later outage keeps the last answer, which stays known
        awaitQueries(2);
        assertThat(discovery.seedsKnown()).isTrue();
    }

    @Test
    void servfailKeepsTheLastSeedsAndIsLoggedOnce() {
        dns.set(Discoveries.SERVICE, "A 127.0.0.1");
        DnsDiscovery discovery = discoveries.start(dns, log);
        assertThat(Discoveries.awaitSeeds(discovery)).containsExactly("127.0.0.1:7946");
        int warnings = log.at(Level.WARNING).size();

        dns.failWith("SERVFAIL");
        awaitQueries(4);

        assertThat(discovery.seeds()).containsExactly("127.0.0.1:7946");
        assertThat(log.at(Level.WARNING)).hasSize(warnings + 1).last().asString().contains(dns.address() + " answered SERVFAIL");
    }

    @Test
    void nxdomainIsAnAnswerTheSeedsBecomeEmptyAndItIsLoggedAsAChangeNotAFailure() {
        dns.set(Discoveries.SERVICE, "A 127.0.0.1");
        DnsDiscovery discovery = discoveries.start(dns, log);
        assertThat(Discoveries.awaitSeeds(discovery)).containsExactly("127.0.0.1:7946");

        dns.clear();
        // (a resolution under way may see the name still there for SRV and gone for A: "no records")
        await().atMost(WAIT).until(() -> log.at(Level.INFO).getLast().contains("NXDOMAIN"));

        assertThat(discovery.seeds()).isEmpty();
        assertThat(log.at(Level.INFO).getLast()).contains("NXDOMAIN (no such name): storelog.test.", "seeds []");
        assertThat(log.at(Level.WARNING)).isEmpty();
    }

    @Test
    void aNameWithoutRecordsOfTheAskedTypesIsAnAnswerWithoutSeeds() {
        dns.set(Discoveries.SERVICE, "TXT \"not a seed\"");

        DnsDiscovery discovery = discoveries.start(dns, log);

        await().atMost(WAIT).until(() -> !log.at(Level.INFO).isEmpty());
        assertThat(discovery.seeds()).isEmpty();
        assertThat(log.at(Level.INFO)).singleElement().asString().contains("no SRV, A or AAAA records: storelog.test.");
        assertThat(log.at(Level.WARNING)).isEmpty();
    }

    @Test
    void seedsNeverBlocksWhileALookupHangs() {
        dns.set(Discoveries.SERVICE, "A 127.0.0.1");
        DnsDiscovery discovery = discoveries.start(Discoveries.settings(dns, DnsConfig.DNS_TIMEOUT_MS, "5000"), log);
        assertThat(Discoveries.awaitSeeds(discovery)).containsExactly("127.0.0.1:7946");

        dns.delayAnswers(Duration.ofSeconds(4));
        awaitQueries(1); // a resolution is now waiting for the server

        long slowest = 0;
        for (int i = 0; i < 10_000; i++) {
            long before = System.nanoTime();
            List<String> seeds = discovery.seeds();
            slowest = Math.max(slowest, System.nanoTime() - before);
            assertThat(seeds).containsExactly("127.0.0.1:7946");
        }
        assertThat(Duration.ofNanos(slowest)).isLessThan(Duration.ofMillis(50));
    }

    @Test
    void startReturnsWithTheFirstAnswerWhenDnsAnswersInTime() {
        dns.set(Discoveries.SERVICE, "A 127.0.0.1");

        DnsDiscovery discovery = discoveries.start(Discoveries.settings(dns, DnsConfig.DNS_TIMEOUT_MS, "5000"), log);

        assertThat(discovery.seeds()).containsExactly("127.0.0.1:7946");
    }

    @Test
    void startWaitsForTheFirstResolutionAtMostTheTimeoutThenSeedsArriveInTheBackground() {
        dns.set(Discoveries.SERVICE, "A 127.0.0.1");
        // each question is answered after 600 ms, within its 1000 ms timeout: the resolution takes ~1800 ms
        dns.delayAnswers(Duration.ofMillis(600));

        long before = System.nanoTime();
        DnsDiscovery discovery = discoveries.start(Discoveries.settings(dns, DnsConfig.DNS_TIMEOUT_MS, "1000"), log);
        long startMillis = (System.nanoTime() - before) / 1_000_000;

        assertThat(startMillis).isBetween(950L, 1_600L);
        assertThat(discovery.seeds()).isEmpty();
        assertThat(log.at(Level.INFO)).first().asString().contains("the first resolution takes longer than 1000 ms");
        await().atMost(WAIT).until(() -> !discovery.seeds().isEmpty());
        assertThat(discovery.seeds()).containsExactly("127.0.0.1:7946");
    }

    @Test
    void startDoesNotFailWhenNoServerAnswersAndResolutionGoesOn() {
        dns.set(Discoveries.SERVICE, "A 127.0.0.1");
        dns.ignoreQueries(true);

        DnsDiscovery discovery = discoveries.start(Discoveries.settings(dns, DnsConfig.DNS_TIMEOUT_MS, "100"), log);

        assertThat(discovery.seeds()).isEmpty();
        dns.ignoreQueries(false);
        await().atMost(WAIT).until(() -> !discovery.seeds().isEmpty());
    }

    @Test
    void aStoppedServerKeepsTheLastSeeds() {
        TestDnsServer doomed = TestDnsServer.start();
        doomed.set(Discoveries.SERVICE, "A 127.0.0.1");
        DnsDiscovery discovery = discoveries.start(Discoveries.settings(doomed, DnsConfig.DNS_TIMEOUT_MS, "300"), log);
        assertThat(Discoveries.awaitSeeds(discovery)).containsExactly("127.0.0.1:7946");

        doomed.close();
        await().atMost(WAIT).until(() -> !log.at(Level.WARNING).isEmpty());

        assertThat(discovery.seeds()).containsExactly("127.0.0.1:7946");
        assertThat(log.at(Level.WARNING)).singleElement().asString().contains(doomed.address());
    }

    @Test
    void aServerThatIsNotThereFailsAtOnceNotAfterTheTimeout() {
        TestDnsServer gone = TestDnsServer.start();
        gone.close();

        long before = System.nanoTime();
        DnsDiscovery discovery = discoveries.start(Discoveries.settings(gone, DnsConfig.DNS_TIMEOUT_MS, "5000"), log);

        // the closed UDP port answers with ICMP "port unreachable": the resolution ends before the timeout
        assertThat(Duration.ofNanos(System.nanoTime() - before)).isLessThan(Duration.ofSeconds(3));
        assertThat(discovery.seeds()).isEmpty();
        assertThat(log.at(Level.WARNING)).singleElement().asString()
                .contains("UDP query to " + gone.address() + " failed", "PortUnreachableException");
    }

    @Test
    void closeStopsTheThreadAtOnceEvenWhileALookupHangs() {
        dns.set(Discoveries.SERVICE, "A 127.0.0.1");
        DnsDiscovery discovery = discoveries.start(Discoveries.settings(dns, DnsConfig.DNS_TIMEOUT_MS, "10000"), log);
        assertThat(resolutionThreads()).isNotEmpty();
        dns.ignoreQueries(true);
        awaitQueries(1);

        long before = System.nanoTime();
        discovery.close();

        assertThat(Duration.ofNanos(System.nanoTime() - before)).isLessThan(Duration.ofSeconds(1));
        assertThat(resolutionThreads()).isEmpty();
        assertThat(log.at(Level.WARNING)).as("closing is not a failure").isEmpty();
        discovery.close(); // idempotent
    }

    @Test
    void closeReturnsOnlyOnceTheThreadHasEnded() {
        dns.set(Discoveries.SERVICE, "A 127.0.0.1");
        for (int i = 0; i < 20; i++) {
            DnsDiscovery discovery = discoveries.start(dns, log);
            assertThat(resolutionThreads()).hasSize(1);

            discovery.close();

            assertThat(resolutionThreads()).as("after close %d", i).isEmpty();
        }
    }

    @Test
    void aDiscoveryStartsOnceAndNeverAfterClose() {
        dns.set(Discoveries.SERVICE, "A 127.0.0.1");
        DnsDiscovery discovery = discoveries.start(dns, log);
        DiscoveryContext context = new DiscoveryContext(Discoveries.SELF, List::of);

        assertThatThrownBy(() -> discovery.start(context, members -> { })).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("already started");
        discovery.close();
        DnsDiscovery unstarted = new DnsDiscovery(DnsConfig.from(Settings.of(Discoveries.settings(dns))), log);
        unstarted.close();
        assertThatThrownBy(() -> unstarted.start(context, members -> { })).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("closed");
        assertThat(unstarted.seeds()).isEmpty();
        assertThat(unstarted.members()).isEmpty();
    }

    private static List<Thread> resolutionThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().equals(DnsDiscovery.THREAD_NAME) && t.isAlive()).toList();
    }
}
