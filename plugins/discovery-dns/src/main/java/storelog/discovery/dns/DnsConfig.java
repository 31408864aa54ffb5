package storelog.discovery.dns;

import java.time.Duration;
import java.util.Optional;
import java.util.regex.Pattern;
import org.xbill.DNS.Name;
import org.xbill.DNS.TextParseException;
import storelog.api.InvalidSettingException;
import storelog.api.Settings;

/**
 * The DNS discovery's settings.
 *
 * @param serviceName {@code SERVICE_NAME}: the name whose SRV, A and AAAA records list the nodes
 *                    (default {@code storelog-cluster}); a DNS name of letters, digits, {@code -}
 *                    and {@code _}, labels of 1 to 63 characters, at most 253 in all. A final dot
 *                    makes it fully qualified: never extended with the system's search domains
 * @param server      {@code DNS_SERVER}: the server to ask, {@code host[:port]} (port 53 when left
 *                    out; an IPv6 address in brackets when a port follows); empty: the servers and
 *                    search domains of the system's resolver configuration
 * @param clusterPort {@code CLUSTER_PORT}: the gossip port paired with every address from an A or AAAA
 *                    record (default {@value #DEFAULT_CLUSTER_PORT}; 1 to 65535); SRV records carry
 *                    their own port
 * @param interval    {@code DNS_INTERVAL_MS}: the pause between two resolutions (default
 *                    {@value #DEFAULT_INTERVAL_MS} ms; 10 ms to 1 day)
 * @param timeout     {@code DNS_TIMEOUT_MS}: how long one question may wait for its answer from one
 *                    server (default {@value #DEFAULT_TIMEOUT_MS} ms; 10 ms to 60 s); also the most
 *                    that {@link DnsDiscovery#start} waits for the first resolution
 */
record DnsConfig(Name serviceName, Optional<ServerAddress> server, int clusterPort, Duration interval, Duration timeout) {

    static final String SERVICE_NAME = "SERVICE_NAME";
    static final String DNS_SERVER = "DNS_SERVER";
    static final String CLUSTER_PORT = "CLUSTER_PORT";
    static final String DNS_INTERVAL_MS = "DNS_INTERVAL_MS";
    static final String DNS_TIMEOUT_MS = "DNS_TIMEOUT_MS";

    static final String DEFAULT_SERVICE_NAME = "storelog-cluster";
    static final int DEFAULT_CLUSTER_PORT = 7946;
    static final long DEFAULT_INTERVAL_MS = 15_000;
    static final long DEFAULT_TIMEOUT_MS = 2_000;

    /** One label of a host or service name; {@code _} too, as in {@code _storelog._tcp.example.com}. */
    private static final String LABEL = "[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?";
    private static final Pattern DNS_NAME = Pattern.compile(LABEL + "(?:\\." + LABEL + ")*\\.?");
    private static final int MAX_NAME_LENGTH = 253;

    /**
     * Reads and checks the settings; connects to nothing and resolves nothing.
     *
     * @throws InvalidSettingException naming the first unusable variable
     */
    static DnsConfig from(Settings settings) {
        String name = settings.string(SERVICE_NAME, DEFAULT_SERVICE_NAME);
        if (!isDnsName(name)) {
            throw new InvalidSettingException(SERVICE_NAME, name, "expected a DNS name such as storelog.example.com: labels of"
                    + " 1 to 63 letters, digits, '-' or '_' (not starting or ending with '-') separated by dots, at most "
                    + MAX_NAME_LENGTH + " characters");
        }
        Optional<ServerAddress> server = Optional.ofNullable(settings.string(DNS_SERVER, null)).map(value -> {
            try {
                return ServerAddress.parse(value);
            } catch (IllegalArgumentException e) {
                throw new InvalidSettingException(DNS_SERVER, value, e.getMessage());
            }
        });
        int clusterPort = (int) settings.longValue(CLUSTER_PORT, DEFAULT_CLUSTER_PORT, 1, 65_535);
        long interval = settings.longValue(DNS_INTERVAL_MS, DEFAULT_INTERVAL_MS, 10, Duration.ofDays(1).toMillis());
        long timeout = settings.longValue(DNS_TIMEOUT_MS, DEFAULT_TIMEOUT_MS, 10, 60_000);
        return new DnsConfig(parse(name), server, clusterPort, Duration.ofMillis(interval), Duration.ofMillis(timeout));
    }

    /** Whether {@code text} is a host or service name (letters, digits, '-', '_'; optional final dot). */
    static boolean isDnsName(String text) {
        return DNS_NAME.matcher(text).matches() && text.length() <= MAX_NAME_LENGTH + (text.endsWith(".") ? 1 : 0);
    }

    private static Name parse(String name) {
        try {
            return Name.fromString(name);
        } catch (TextParseException e) {
            throw new InvalidSettingException(SERVICE_NAME, name, "not a DNS name: " + e.getMessage());
        }
    }
}
