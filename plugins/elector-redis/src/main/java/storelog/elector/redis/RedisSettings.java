package storelog.elector.redis;

import java.time.Duration;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import storelog.api.InvalidSettingException;
import storelog.api.Settings;
import storelog.api.spi.ClusterName;

/**
 * The Redis elector's settings (API.md §2), read and checked once when the elector is opened.
 *
 * <table>
 *   <caption>variables</caption>
 *   <tr><th>variable</th><th>default</th><th>rule</th></tr>
 *   <tr><td>{@code REDIS_ADDR}</td><td>{@code localhost:6379}</td><td>{@code host:port} or {@code [ipv6]:port},
 *       port 1-65535</td></tr>
 *   <tr><td>{@code LEADER_TTL}</td><td>{@code 10000}</td><td>the lease in ms, {@value #MIN_TTL_MS} to
 *       {@value #MAX_TTL_MS}: below {@value #MIN_TTL_MS} the clock-safe margin (see {@link LeaseClock}) leaves too
 *       little of a lease to survive one lost renewal</td></tr>
 *   <tr><td>{@code SERVICE_NAME}</td><td>{@code storelog-cluster}</td><td>the cluster's name in the keys; no
 *       white space</td></tr>
 *   <tr><td>{@code REDIS_PASSWORD}</td><td>none</td><td>sent with AUTH; never logged nor shown</td></tr>
 * </table>
 *
 * @param host        Redis' host name or address
 * @param port        Redis' port
 * @param ttlMillis   {@code LEADER_TTL}
 * @param clusterName {@code SERVICE_NAME} and a digest of {@code CLUSTER_SECRET} ({@link ClusterName}): nodes with
 *                    another secret use other keys
 * @param password    {@code REDIS_PASSWORD}, when set
 */
record RedisSettings(String host, int port, long ttlMillis, String clusterName, Optional<String> password) {

    static final String REDIS_ADDR = "REDIS_ADDR";
    static final String LEADER_TTL = "LEADER_TTL";
    static final String SERVICE_NAME = "SERVICE_NAME";
    static final String REDIS_PASSWORD = "REDIS_PASSWORD";

    static final long MIN_TTL_MS = 500;
    static final long MAX_TTL_MS = 3_600_000;
    /** Connection and command timeouts are a fifth of the lease, at most this. */
    static final Duration MAX_TIMEOUT = Duration.ofSeconds(2);

    private static final Pattern ADDRESS = Pattern.compile("(?:\\[([0-9A-Fa-f:.]+)]|([A-Za-z0-9._-]+)):([0-9]{1,5})");

    /** Reads and checks the settings; throws {@link InvalidSettingException} naming the first bad variable. */
    static RedisSettings from(Settings settings) {
        String address = settings.string(REDIS_ADDR, "localhost:6379");
        Matcher m = ADDRESS.matcher(address);
        if (!m.matches()) {
            throw new InvalidSettingException(REDIS_ADDR, address, "expected host:port, e.g. localhost:6379");
        }
        int port = Integer.parseInt(m.group(3));
        if (port < 1 || port > 65_535) {
            throw new InvalidSettingException(REDIS_ADDR, address, "the port must be from 1 to 65535");
        }
        long ttl = settings.longValue(LEADER_TTL, 10_000, MIN_TTL_MS, MAX_TTL_MS);
        String name = settings.string(SERVICE_NAME, "storelog-cluster");
        if (name.chars().anyMatch(c -> Character.isWhitespace(c) || Character.isISOControl(c))) {
            throw new InvalidSettingException(SERVICE_NAME, name, "the cluster name must not contain white space");
        }
        Optional<String> password = settings.get(REDIS_PASSWORD).filter(p -> !p.isEmpty());
        return new RedisSettings(m.group(1) != null ? m.group(1) : m.group(2), port, ttl, ClusterName.of(settings), password);
    }

    /** The lease key: {@code storelog:<cluster name>:leader}. */
    String leaderKey() {
        return "storelog:" + clusterName + ":leader";
    }

    /** The key holding the last epoch issued: {@code storelog:<cluster name>:epoch}. */
    String epochKey() {
        return "storelog:" + clusterName + ":epoch";
    }

    /** Connection and command (socket) timeout: {@code min(LEADER_TTL / 5, 2 s)}, so a hung Redis is noticed within one renewal. */
    int timeoutMillis() {
        return (int) Math.min(ttlMillis / 5, MAX_TIMEOUT.toMillis());
    }

    /** How often the owner renews and the others read the lease: a third of {@code LEADER_TTL}. */
    long roundMillis() {
        return ttlMillis / 3;
    }

    /** {@code host:port}, for log lines. */
    String address() {
        return host.indexOf(':') >= 0 ? "[" + host + "]:" + port : host + ":" + port;
    }

    /** Without the password. */
    @Override
    public String toString() {
        return "RedisSettings[" + address() + ", LEADER_TTL=" + ttlMillis + " ms, cluster " + clusterName
                + (password.isPresent() ? ", with password" : "") + "]";
    }
}
