package storelog.api.spi;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnknownHostException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import storelog.api.InvalidSettingException;
import storelog.api.Settings;

/**
 * {@code PEER_ROUTES}: where this node really connects when it dials a peer's advertised address —
 * {@code host:port=host:port,...}, the advertised address first. Every connection a node opens to
 * another node (gossip's transport, replication's HTTP calls) goes through it; an address without a
 * route is dialled as it is. For networks where one node must reach a peer at another address than
 * the one the peer advertises to all (NAT, a sidecar), and for tests that put a proxy of their own on
 * each link between two nodes, so that one link can be cut while the others stay up.
 *
 * <p>Hosts are resolved once, when the setting is read; a route matches the resolved address and the
 * port. Immutable and thread-safe.
 */
public final class PeerRoutes {

    /** The variable's name. */
    public static final String PEER_ROUTES = "PEER_ROUTES";

    private static final Pattern ADDRESS = Pattern.compile("(\\[[0-9A-Fa-f:.]+\\]|[A-Za-z0-9._-]+):([0-9]{1,5})");
    private static final PeerRoutes NONE = new PeerRoutes(Map.of());

    private final Map<InetSocketAddress, InetSocketAddress> routes;

    private PeerRoutes(Map<InetSocketAddress, InetSocketAddress> routes) {
        this.routes = Map.copyOf(routes);
    }

    /** No routes: every address is dialled as it is. */
    public static PeerRoutes none() {
        return NONE;
    }

    /**
     * Reads {@code PEER_ROUTES} (unset or blank: no routes).
     *
     * @throws InvalidSettingException when a route is not {@code host:port=host:port}, a host does not
     *                                 resolve, or one address is routed twice
     */
    public static PeerRoutes from(Settings settings) {
        String raw = settings.string(PEER_ROUTES, "");
        if (raw.isEmpty()) {
            return NONE;
        }
        Map<InetSocketAddress, InetSocketAddress> routes = new LinkedHashMap<>();
        for (String part : raw.split(",")) {
            if (part.isBlank()) {
                continue;
            }
            String[] pair = part.split("=", -1);
            if (pair.length != 2) {
                throw invalid(raw, "\"" + part.strip() + "\" is not one route");
            }
            InetSocketAddress from = address(raw, pair[0]);
            if (routes.put(from, address(raw, pair[1])) != null) {
                throw invalid(raw, pair[0].strip() + " is routed twice");
            }
        }
        return new PeerRoutes(routes);
    }

    /** Where to connect to reach {@code advertised}: its route, or itself. */
    public SocketAddress route(SocketAddress advertised) {
        if (advertised instanceof InetSocketAddress inet && !inet.isUnresolved()) {
            InetSocketAddress to = routes.get(new InetSocketAddress(inet.getAddress(), inet.getPort()));
            return to == null ? advertised : to;
        }
        return advertised;
    }

    /**
     * Where to connect to reach {@code host:port} (a member's advertised HTTP address), as {@code host:port}:
     * its route, or the text as given (also when it is not an address or does not resolve: the caller's
     * own connect reports that).
     */
    public String route(String hostPort) {
        if (routes.isEmpty()) {
            return hostPort;
        }
        Matcher m = ADDRESS.matcher(hostPort.strip());
        if (!m.matches()) {
            return hostPort;
        }
        try {
            InetSocketAddress to = routes.get(new InetSocketAddress(InetAddress.getByName(unbracket(m.group(1))),
                    Integer.parseInt(m.group(2))));
            return to == null ? hostPort : text(to);
        } catch (UnknownHostException | IllegalArgumentException e) {
            return hostPort;
        }
    }

    /** Whether there is no route. */
    public boolean isEmpty() {
        return routes.isEmpty();
    }

    private static InetSocketAddress address(String raw, String text) {
        Matcher m = ADDRESS.matcher(text.strip());
        if (!m.matches()) {
            throw invalid(raw, "\"" + text.strip() + "\" is not host:port");
        }
        int port = Integer.parseInt(m.group(2));
        if (port < 1 || port > 65535) {
            throw invalid(raw, "\"" + text.strip() + "\": the port must be from 1 to 65535");
        }
        try {
            return new InetSocketAddress(InetAddress.getByName(unbracket(m.group(1))), port);
        } catch (UnknownHostException e) {
            throw invalid(raw, m.group(1) + " cannot be resolved");
        }
    }

    private static String unbracket(String host) {
        return host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
    }

    private static String text(InetSocketAddress address) {
        String host = address.getAddress().getHostAddress();
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + address.getPort();
    }

    private static InvalidSettingException invalid(String raw, String reason) {
        return new InvalidSettingException(PEER_ROUTES, raw, reason + " (expected advertised-host:port=dialled-host:port,...)");
    }

    @Override
    public String toString() {
        return routes.isEmpty() ? "no peer routes" : routes.size() + " peer routes";
    }
}
