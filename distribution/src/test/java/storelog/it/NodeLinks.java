package storelog.it;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import storelog.testkit.TcpProxy;

/**
 * A {@link TcpProxy} on every link between the nodes of a {@link TestCluster}, so that one link can be
 * cut, slowed or reset while the others stay up: for each ordered pair (a dials b) and each protocol a
 * node dials a peer on — gossip (the JGroups transport) and HTTP (replication, catch-up, gap checks) —
 * a proxy to b's port, and in a's {@code PEER_ROUTES} the route from b's advertised address to that
 * proxy. Cutting a link cuts both directions' proxies: a TCP connection either side opened carries
 * traffic both ways (JGroups sends on a connection its peer opened).
 *
 * <p>Not on a proxy: Raft (Ratis dials the addresses in its replicated configuration, which cannot
 * differ per node; the Raft elector only acts when Redis is unusable, and every scenario keeps Redis
 * with a majority), gossip's failure-detection sockets (they only tell a process that is gone), and
 * each node's link to Redis (its own proxy in {@link FaultSuiteIT}).
 */
final class NodeLinks implements AutoCloseable {

    private final Map<String, List<TcpProxy>> links = new LinkedHashMap<>();

    private NodeLinks() {
    }

    /**
     * Gives each node of {@code cluster} (not started yet) a fixed HTTP port and routes through a proxy
     * per link; the nodes must keep these settings across restarts.
     */
    static NodeLinks wire(TestCluster cluster) {
        List<ImageNode> nodes = cluster.nodes();
        int[] http = TestCluster.freePorts(nodes.size());
        for (int i = 0; i < nodes.size(); i++) {
            nodes.get(i).env().put("HTTP_PORT", Integer.toString(http[i]));
        }
        NodeLinks links = new NodeLinks();
        for (int a = 0; a < nodes.size(); a++) {
            List<String> routes = new ArrayList<>();
            for (int b = 0; b < nodes.size(); b++) {
                if (a == b) {
                    continue;
                }
                int gossip = Integer.parseInt(nodes.get(b).env().get("BIND_ADDR").replaceAll(".*:", ""));
                for (int port : new int[] {gossip, http[b]}) {
                    TcpProxy proxy = TcpProxy.to("127.0.0.1", port);
                    links.links.computeIfAbsent(key(nodes.get(a), nodes.get(b)), k -> new ArrayList<>()).add(proxy);
                    routes.add("127.0.0.1:" + port + "=" + proxy.address());
                }
            }
            nodes.get(a).env().put("PEER_ROUTES", String.join(",", routes));
        }
        return links;
    }

    private static String key(ImageNode from, ImageNode to) {
        return from.id() + "->" + to.id();
    }

    /** Applies {@code fault} to every proxy of the link between {@code a} and {@code b}, both directions. */
    void between(ImageNode a, ImageNode b, Consumer<TcpProxy> fault) {
        links.get(key(a, b)).forEach(fault);
        links.get(key(b, a)).forEach(fault);
    }

    /** Applies {@code fault} to every link between {@code node} and each of {@code others}. */
    void around(ImageNode node, List<ImageNode> others, Consumer<TcpProxy> fault) {
        others.forEach(other -> between(node, other, fault));
    }

    /** Ends every fault on every link. */
    void healAll() {
        links.values().forEach(proxies -> proxies.forEach(TcpProxy::heal));
    }

    @Override
    public void close() {
        links.values().forEach(proxies -> proxies.forEach(TcpProxy::close));
    }
}
