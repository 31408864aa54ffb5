package storelog.discovery.dns;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import storelog.api.Settings;
import storelog.api.spi.DiscoveryContext;
import storelog.api.spi.Member;
import storelog.testkit.TestDnsServer;

/**
 * Started DNS discoveries for one test, closed together at its end: by default they ask the test
 * server for {@value #SERVICE} every {@value #INTERVAL_MS} ms with a {@value #TIMEOUT_MS} ms timeout.
 */
final class Discoveries implements AutoCloseable {

    static final String SERVICE = "storelog.test";
    static final long INTERVAL_MS = 100;
    static final long TIMEOUT_MS = 500;
    static final Member SELF = new Member("n1", "127.0.0.1:8080", Map.of());

    private final List<DnsDiscovery> started = new ArrayList<>();

    /** The default settings against {@code server}, with {@code overrides} (name, value, name, value ...). */
    static Map<String, String> settings(TestDnsServer server, String... overrides) {
        Map<String, String> settings = new HashMap<>(Map.of(
                DnsConfig.SERVICE_NAME, SERVICE,
                DnsConfig.DNS_SERVER, server.address(),
                DnsConfig.DNS_INTERVAL_MS, Long.toString(INTERVAL_MS),
                DnsConfig.DNS_TIMEOUT_MS, Long.toString(TIMEOUT_MS)));
        for (int i = 0; i < overrides.length; i += 2) {
            settings.put(overrides[i], overrides[i + 1]);
        }
        return settings;
    }

    /** A discovery opened and started with {@code settings}, logging to {@code log}. */
    DnsDiscovery start(Map<String, String> settings, LogRecorder log) {
        DnsDiscovery discovery = new DnsDiscovery(DnsConfig.from(Settings.of(settings)), log);
        started.add(discovery);
        discovery.start(new DiscoveryContext(SELF, List::of), members -> {
            throw new AssertionError("a seed resolver has no members to report: " + members);
        });
        return discovery;
    }

    /** Like {@link #start(Map, LogRecorder)} with the default settings against {@code server}. */
    DnsDiscovery start(TestDnsServer server, LogRecorder log) {
        return start(settings(server), log);
    }

    /** The discovery's seeds once it has any (a loaded machine may take longer than start() waits). */
    static List<String> awaitSeeds(DnsDiscovery discovery) {
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).until(() -> !discovery.seeds().isEmpty());
        return discovery.seeds();
    }

    @Override
    public void close() {
        started.forEach(DnsDiscovery::close);
    }
}
