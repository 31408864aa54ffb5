/**
 * The DNS seed resolver ({@code dns}): resolves {@code SERVICE_NAME} to the gossip addresses of the
 * cluster's nodes (SRV, A and AAAA records), re-resolving in the background. A drop-in plugin: built
 * as the folder {@code target/plugin/discovery-dns/} (this jar, dnsjava, slf4j-api), loaded by
 * StoreLog as a module layer of its own. Nothing is exported: the plugin is reached only through
 * {@link storelog.api.spi.DiscoveryProvider}.
 *
 * <p>dnsjava's descriptor also {@code provides java.net.spi.InetAddressResolverProvider}: a JVM-wide
 * name resolver. The plugin keeps it from becoming the server's resolver (see {@code JvmResolver}).
 */
module storelog.discovery.dns {
    requires storelog.api;
    requires org.dnsjava;
    // dnsjava logs through SLF4J; DnsjavaLogging sends it on to System.Logger
    requires org.slf4j;

    provides storelog.api.spi.DiscoveryProvider with storelog.discovery.dns.DnsDiscoveryProvider;
    provides org.slf4j.spi.SLF4JServiceProvider with storelog.discovery.dns.DnsjavaLogging;
}
