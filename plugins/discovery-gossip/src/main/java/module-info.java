/**
 * The gossip discovery plugin ({@code gossip}): cluster membership and failure detection over TCP with
 * JGroups 5.4. Every member advertises its node id, HTTP and Raft address in its JGroups address; with
 * {@code CLUSTER_SECRET} set, nodes only hear nodes with the same secret. A drop-in plugin: built as
 * the folder {@code target/plugin/discovery-gossip/} (this jar and JGroups), loaded by StoreLog as a
 * module layer of its own. Nothing is exported: the plugin is reached only through
 * {@link storelog.api.spi.DiscoveryProvider}.
 */
module storelog.discovery.gossip {
    requires storelog.api;
    // automatic module (no dependencies); its JDK needs beyond java.base (JMX, JNDI, scripting) lie on
    // paths this plugin does not use: JGroupsLogging keeps it off java.util.logging
    requires org.jgroups;

    // JGroups creates SecretToken reflectively (ClassConfigurator, AUTH headers off the wire) and
    // inspects the fields of the protocols it is given (SeedPing, PeerFilter)
    opens storelog.discovery.gossip to org.jgroups;

    provides storelog.api.spi.DiscoveryProvider with storelog.discovery.gossip.GossipDiscoveryProvider;
}
