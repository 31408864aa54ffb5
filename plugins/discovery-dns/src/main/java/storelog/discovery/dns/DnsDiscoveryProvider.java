package storelog.discovery.dns;

import storelog.api.Settings;
import storelog.api.spi.Discovery;
import storelog.api.spi.DiscoveryProvider;

/**
 * The {@code dns} discovery: a seed resolver that lists the gossip addresses of the cluster's nodes
 * from DNS and re-resolves them in the background (see {@link DnsDiscovery} and {@link SeedLookup}).
 * Settings (all optional; see {@link DnsConfig} for ranges):
 * <ul>
 *   <li>{@code SERVICE_NAME}: the name to resolve (default {@code storelog-cluster});</li>
 *   <li>{@code DNS_SERVER}: the server to ask, {@code host[:port]} (port 53 by default); when unset,
 *       the system's resolver configuration (servers and search domains);</li>
 *   <li>{@code CLUSTER_PORT}: the gossip port paired with A/AAAA addresses (default 7946);</li>
 *   <li>{@code DNS_INTERVAL_MS}: the pause between resolutions (default 15000);</li>
 *   <li>{@code DNS_TIMEOUT_MS}: how long one question waits for a server's answer, and the most that
 *       start-up waits for the first resolution (default 2000).</li>
 * </ul>
 */
public final class DnsDiscoveryProvider implements DiscoveryProvider {

    /** The discovery's configuration name. */
    public static final String NAME = "dns";

    static {
        // before anything of dnsjava can run: see JvmResolver
        JvmResolver.settle();
    }

    public DnsDiscoveryProvider() {
        // found by ServiceLoader
    }

    @Override
    public String name() {
        return NAME;
    }

    /**
     * Reads the settings; resolves nothing until started.
     *
     * @throws storelog.api.InvalidSettingException naming the first unusable setting
     */
    @Override
    public Discovery open(Settings settings) {
        return new DnsDiscovery(DnsConfig.from(settings));
    }
}
