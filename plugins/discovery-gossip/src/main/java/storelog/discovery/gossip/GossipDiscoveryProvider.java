package storelog.discovery.gossip;

import storelog.api.Settings;
import storelog.api.spi.Discovery;
import storelog.api.spi.DiscoveryProvider;

/**
 * The {@code gossip} discovery: membership and failure detection over TCP with JGroups. Settings (see
 * {@link GossipConfig} for defaults and ranges):
 * <ul>
 *   <li>{@code BIND_ADDR}: where the gossip transport listens (default {@code 0.0.0.0:7946});</li>
 *   <li>{@code ADVERTISE_ADDR}: the address other nodes reach this one at (default
 *       {@code 127.0.0.1:7946}); failure detection also listens on its port + 100 (to + 103);</li>
 *   <li>{@code CLUSTER_SECRET}: when set, only nodes with the same secret hear each other
 *       ({@link SharedSecret}, {@link PeerFilter}, {@link SecretToken});</li>
 *   <li>{@code SERVICE_NAME}: the cluster's name (default {@code storelog-cluster});</li>
 *   <li>{@code GOSSIP_FAILURE_TIMEOUT_MS}: how long a member may stay silent before it is removed
 *       (default 3000).</li>
 * </ul>
 * The seeds come from {@code DiscoveryContext.seeds()} and are re-read while running. The plugin
 * resolves no seeds of its own.
 */
public final class GossipDiscoveryProvider implements DiscoveryProvider {

    /** The plugin's configuration name. */
    public static final String NAME = "gossip";

    public GossipDiscoveryProvider() {
        // found by ServiceLoader; JGroups' logging goes to System.Logger before JGroups logs anything
        JGroupsLogging.install();
    }

    @Override
    public String name() {
        return NAME;
    }

    /**
     * Reads the settings; nothing is bound or started until {@link Discovery#start}.
     *
     * @throws storelog.api.InvalidSettingException when a setting is unusable
     */
    @Override
    public Discovery open(Settings settings) {
        return new GossipDiscovery(GossipConfig.from(settings));
    }
}
