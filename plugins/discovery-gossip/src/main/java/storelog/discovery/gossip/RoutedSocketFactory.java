package storelog.discovery.gossip;

import java.io.IOException;
import java.net.Socket;
import java.net.SocketAddress;
import org.jgroups.util.DefaultSocketFactory;
import storelog.api.spi.PeerRoutes;

/**
 * The gossip transport's sockets with {@code PEER_ROUTES} applied: a connection to a peer's
 * advertised address goes to its route. JGroups' TCP transport keys its connections by the peer's
 * advertised (physical) address and opens each with {@code createSocket(name)} and then
 * {@code connect(address, timeout)}, so rewriting the address in {@code connect} reroutes every
 * connection — discovery, heartbeats, views, merges — while the membership still names the peer by
 * the address it advertises. Failure detection's sockets (FD_SOCK2, to the advertised port + 100) are
 * not routed: JGroups opens them as NIO channels, whose {@code connect} a factory cannot rewrite. They
 * only tell a process that is gone; a peer cut off on its route is found by the missing heartbeats
 * (FD_ALL3), which travel on routed connections.
 */
final class RoutedSocketFactory extends DefaultSocketFactory {

    private final PeerRoutes routes;

    RoutedSocketFactory(PeerRoutes routes) {
        this.routes = routes;
    }

    @Override
    public Socket createSocket(String serviceName) throws IOException {
        return new RoutedSocket(routes);
    }

    /** A client socket that connects to the route of the address it is asked to connect to. */
    private static final class RoutedSocket extends Socket {

        private final PeerRoutes routes;

        RoutedSocket(PeerRoutes routes) {
            this.routes = routes;
        }

        @Override
        public void connect(SocketAddress endpoint, int timeout) throws IOException {
            super.connect(routes.route(endpoint), timeout); // connect(endpoint) comes here too
        }
    }
}
