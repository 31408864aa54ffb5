package storelog.discovery.gossip;

import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.util.regex.Pattern;
import storelog.api.InvalidSettingException;
import storelog.api.Settings;
import storelog.api.spi.PeerRoutes;

/**
 * The gossip plugin's settings.
 *
 * @param bind                 {@code BIND_ADDR}: where the gossip transport listens, {@code host:port}
 *                             (default {@code 0.0.0.0:7946}); the host is this machine's address or the
 *                             wildcard {@code 0.0.0.0} / {@code [::]}, the port 1 to 65535
 * @param bindAddress          its host, resolved
 * @param advertise            {@code ADVERTISE_ADDR}: the {@code host:port} other nodes reach this one at
 *                             (default {@code 127.0.0.1:7946}); given to JGroups as its external address
 *                             when it is not the bind address (NAT, port mapping, the wildcard). Not a
 *                             wildcard or multicast address; loopback only when the bind address is
 *                             loopback or the wildcard (else nobody could reach it)
 * @param advertiseAddress     its host, resolved
 * @param secret               {@code CLUSTER_SECRET}: nodes only hear nodes with the same one (default
 *                             none); never shown
 * @param cluster              {@code SERVICE_NAME}: the gossip cluster's name (default
 *                             {@code storelog-cluster}), 1 to 200 characters without control characters
 * @param failureTimeoutMillis {@code GOSSIP_FAILURE_TIMEOUT_MS}: how long a member may stay silent before
 *                             it is suspected and, once verified, removed (default 3000, from 300 to
 *                             600000); heartbeats go every third of it, and the search for other
 *                             partitions to merge with runs at about the same pace
 * @param routes               {@code PEER_ROUTES}: where the transport really connects when it dials a
 *                             peer's advertised address ({@link RoutedSocketFactory})
 */
record GossipConfig(HostPort bind, InetAddress bindAddress, HostPort advertise, InetAddress advertiseAddress,
                    SharedSecret secret, String cluster, long failureTimeoutMillis, PeerRoutes routes) {

    static final String BIND_ADDR = "BIND_ADDR";
    static final String ADVERTISE_ADDR = "ADVERTISE_ADDR";
    static final String CLUSTER_SECRET = "CLUSTER_SECRET";
    static final String SERVICE_NAME = "SERVICE_NAME";
    static final String FAILURE_TIMEOUT_MS = "GOSSIP_FAILURE_TIMEOUT_MS";

    static final String DEFAULT_BIND = "0.0.0.0:7946";
    static final String DEFAULT_ADVERTISE = "127.0.0.1:7946";
    static final String DEFAULT_CLUSTER = "storelog-cluster";
    static final long DEFAULT_FAILURE_TIMEOUT_MS = 3000;
    static final long MIN_FAILURE_TIMEOUT_MS = 300;
    static final long MAX_FAILURE_TIMEOUT_MS = 600_000;
    static final int MAX_CLUSTER_LENGTH = 200;
    private static final Pattern CLUSTER = Pattern.compile("[^\\p{Cntrl}]{1," + MAX_CLUSTER_LENGTH + "}");

    /**
     * Reads and checks the settings; resolves the two host names (the only blocking part).
     *
     * @throws InvalidSettingException when a value is unusable
     */
    static GossipConfig from(Settings settings) {
        String bindText = settings.string(BIND_ADDR, DEFAULT_BIND);
        HostPort bind = hostPort(BIND_ADDR, bindText);
        InetAddress bindAddress = resolve(BIND_ADDR, bind);
        if (!bindAddress.isAnyLocalAddress() && !isLocal(bindAddress)) {
            throw new InvalidSettingException(BIND_ADDR, bindText, bind.host() + " (" + bindAddress.getHostAddress()
                    + ") is not an address of this machine; use one of its addresses or 0.0.0.0");
        }
        String advertiseText = settings.string(ADVERTISE_ADDR, DEFAULT_ADVERTISE);
        HostPort advertise = hostPort(ADVERTISE_ADDR, advertiseText);
        InetAddress advertiseAddress = resolve(ADVERTISE_ADDR, advertise);
        if (advertiseAddress.isAnyLocalAddress() || advertiseAddress.isMulticastAddress()) {
            throw new InvalidSettingException(ADVERTISE_ADDR, advertiseText,
                    "other nodes cannot connect to a wildcard or multicast address; give the address they reach this node at");
        }
        if (!bindAddress.isAnyLocalAddress() && bindAddress.isLoopbackAddress() != advertiseAddress.isLoopbackAddress()) {
            throw new InvalidSettingException(ADVERTISE_ADDR, advertiseText, (advertiseAddress.isLoopbackAddress()
                    ? "a loopback address, but " : "not a loopback address, but ") + BIND_ADDR + "=" + bindText
                    + (bindAddress.isLoopbackAddress() ? " listens on loopback only" : " does not listen on loopback")
                    + ": no other node could reach this one; set both to the address other nodes reach this node at");
        }
        String cluster = settings.string(SERVICE_NAME, DEFAULT_CLUSTER);
        if (!CLUSTER.matcher(cluster).matches()) {
            throw new InvalidSettingException(SERVICE_NAME, cluster,
                    "expected 1 to " + MAX_CLUSTER_LENGTH + " characters without control characters");
        }
        String secret = settings.string(CLUSTER_SECRET, null);
        long failureTimeout = settings.longValue(FAILURE_TIMEOUT_MS, DEFAULT_FAILURE_TIMEOUT_MS,
                MIN_FAILURE_TIMEOUT_MS, MAX_FAILURE_TIMEOUT_MS);
        return new GossipConfig(bind, bindAddress, advertise, advertiseAddress, SharedSecret.of(secret, cluster), cluster,
                failureTimeout, PeerRoutes.from(settings));
    }

    private static HostPort hostPort(String name, String value) {
        return HostPort.parse(value).filter(hostPort -> hostPort.port() > 0).orElseThrow(() -> new InvalidSettingException(
                name, value, "expected host:port with a port from 1 to " + HostPort.MAX_PORT + ", e.g. 10.0.0.5:7946 or [::1]:7946"));
    }

    private static InetAddress resolve(String name, HostPort hostPort) {
        try {
            return InetAddress.getByName(hostPort.host());
        } catch (UnknownHostException e) {
            throw new InvalidSettingException(name, hostPort.toString(), "the host cannot be resolved: " + e.getMessage());
        }
    }

    private static boolean isLocal(InetAddress address) {
        try {
            return address.isLoopbackAddress() || NetworkInterface.getByInetAddress(address) != null;
        } catch (SocketException e) {
            return false;
        }
    }

    /** Whether JGroups must be told the advertised address: it is not where the transport listens. */
    boolean advertisesElsewhere() {
        return !advertiseAddress.equals(bindAddress) || advertise.port() != bind.port();
    }

    @Override
    public String toString() {
        return "gossip " + cluster + " bind " + bind + " advertise " + advertise + ", " + secret
                + ", failure timeout " + failureTimeoutMillis + " ms" + (routes.isEmpty() ? "" : ", " + routes);
    }
}
