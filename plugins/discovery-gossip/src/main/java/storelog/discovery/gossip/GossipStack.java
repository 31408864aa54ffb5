package storelog.discovery.gossip;

import java.util.ArrayList;
import java.util.List;
import org.jgroups.protocols.AUTH;
import org.jgroups.protocols.FD_ALL3;
import org.jgroups.protocols.FD_SOCK2;
import org.jgroups.protocols.FRAG2;
import org.jgroups.protocols.MERGE3;
import org.jgroups.protocols.TCP;
import org.jgroups.protocols.UNICAST3;
import org.jgroups.protocols.VERIFY_SUSPECT2;
import org.jgroups.protocols.pbcast.GMS;
import org.jgroups.protocols.pbcast.NAKACK2;
import org.jgroups.protocols.pbcast.STABLE;
import org.jgroups.stack.Protocol;

/**
 * The JGroups protocol stack, built in code (no XML, so nothing to find on a class path inside a module
 * layer), bottom to top, with the timings derived from the failure timeout {@code T}
 * ({@code GOSSIP_FAILURE_TIMEOUT_MS}):
 *
 * <table>
 *   <caption>protocols</caption>
 *   <tr><th>protocol</th><th>job</th><th>settings</th></tr>
 *   <tr><td>TCP</td><td>transport</td><td>{@code BIND_ADDR}, exactly that port ({@code port_range=0}); {@code
 *       ADVERTISE_ADDR} as external address when it differs; connect timeout T/3 (0.3–2 s); {@code
 *       PEER_ROUTES} applied to every connection it opens ({@link RoutedSocketFactory})</td></tr>
 *   <tr><td>{@link PeerFilter}</td><td>drops senders with another {@code CLUSTER_SECRET}</td><td></td></tr>
 *   <tr><td>{@link SeedPing}</td><td>discovery: asks the seeds</td><td>seeds re-read periodically</td></tr>
 *   <tr><td>MERGE3</td><td>finds and merges partitions</td><td>every T/3 to T, checked every 1.6 T</td></tr>
 *   <tr><td>FD_SOCK2</td><td>a crashed process: its socket closes</td><td>listens on the advertised port
 *       + 100 (up to + 103 when taken)</td></tr>
 *   <tr><td>FD_ALL3</td><td>a silent member (paused, cut off)</td><td>heartbeat every T/3, suspected after
 *       T</td></tr>
 *   <tr><td>VERIFY_SUSPECT2</td><td>asks a suspect before it is removed</td><td>T/6 (0.1–1 s)</td></tr>
 *   <tr><td>NAKACK2, UNICAST3, STABLE</td><td>reliable ordered delivery</td><td>no IP multicast</td></tr>
 *   <tr><td>AUTH</td><td>checks {@link SecretToken} on joins and merges</td><td>only with a secret</td></tr>
 *   <tr><td>GMS</td><td>views, joins, leaves</td><td>join timeout T/3 (0.3–2 s)</td></tr>
 *   <tr><td>FRAG2</td><td>fragments large messages</td><td></td></tr>
 * </table>
 */
final class GossipStack {

    /** FD_SOCK2's ports are the advertised port plus this (JGroups' default), up to plus this + {@value #FD_PORTS}. */
    static final int FD_PORT_OFFSET = 100;
    static final int FD_PORTS = 3;

    private GossipStack() {
    }

    /** The protocols, bottom (transport) first. */
    static List<Protocol> protocols(GossipConfig config, String localNode, SeedPing discovery) {
        long timeout = config.failureTimeoutMillis();
        long third = clamp(timeout / 3, 300, 2000);

        TCP tcp = new TCP();
        tcp.setBindAddress(config.bindAddress());
        tcp.setBindPort(config.bind().port());
        tcp.setPortRange(0);
        tcp.setSockConnTimeout((int) third);
        if (!config.routes().isEmpty()) {
            tcp.setSocketFactory(new RoutedSocketFactory(config.routes()));
        }
        FD_SOCK2 sockets = new FD_SOCK2().setBindAddress(config.bindAddress()).setOffset(FD_PORT_OFFSET).setPortRange(FD_PORTS);
        if (config.advertisesElsewhere()) {
            tcp.setExternalAddr(config.advertiseAddress());
            tcp.setExternalPort(config.advertise().port());
            sockets.setExternalAddress(config.advertiseAddress());
        }

        List<Protocol> protocols = new ArrayList<>(List.of(
                tcp,
                new PeerFilter(config.secret(), localNode),
                discovery,
                new MERGE3().setMinInterval(Math.max(100, timeout / 3)).setMaxInterval(timeout),
                sockets,
                new FD_ALL3().setTimeout(timeout).setInterval(Math.max(100, timeout / 3)),
                new VERIFY_SUSPECT2().setTimeout(clamp(timeout / 6, 100, 1000)),
                new NAKACK2().useMcastXmit(false),
                new UNICAST3(),
                new STABLE()));
        if (config.secret().isSet()) {
            SecretToken.register();
            SecretToken token = new SecretToken(config.secret());
            AUTH auth = new AUTH().setAuthToken(token);
            token.setAuth(auth);
            protocols.add(auth);
        }
        protocols.add(new GMS().setJoinTimeout(third).setLeaveTimeout(third).setViewAckCollectionTimeout(Math.min(2000, timeout))
                .printLocalAddress(false));
        protocols.add(new FRAG2());
        return protocols;
    }

    private static long clamp(long value, long min, long max) {
        return Math.max(min, Math.min(max, value));
    }
}
