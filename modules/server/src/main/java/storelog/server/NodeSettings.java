package storelog.server;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import storelog.api.InvalidSettingException;
import storelog.api.Settings;
import storelog.core.ClusterMode;
import storelog.core.PluginRegistry;
import storelog.http.HttpLimits;

/**
 * The node's own settings (API.md §2), validated up front so a bad value stops start-up before
 * anything is opened. Plugins read and validate their own variables from the same {@link Settings}.
 *
 * @param nodeId    {@code NODE_ID}
 * @param httpHost  {@code HTTP_HOST}: interface the HTTP server binds (default all)
 * @param httpPort  {@code HTTP_PORT}: 0 picks a free port
 * @param advertise host other nodes and clients reach this node by ({@code ADVERTISE_ADDR}'s host)
 * @param storage   {@code STORAGE}: storage engine plugin
 * @param connector {@code CONNECTOR}: connector plugin
 * @param topic     {@code CONNECTOR_TOPIC}
 * @param cluster   whether the node runs in a cluster, and its {@code CLUSTER_SECRET}
 * @param limits    request and connection limits ({@code MAX_BODY_BYTES}, {@code MAX_JSON_DEPTH}, {@code MAX_WAIT_MS},
 *                  {@code MAX_CONNECTIONS}, {@code MAX_CONCURRENT_REQUESTS}, {@code MAX_LONG_POLLS})
 * @param pluginsDir {@code PLUGINS_DIR}: drop-in plugins (default {@code <image>/plugins}, else {@code ./plugins})
 * @param advertisedHttp {@code ADVERTISE_HTTP}, when set
 */
record NodeSettings(String nodeId, String httpHost, int httpPort, String advertise, String storage, String connector,
                    String topic, ClusterMode cluster, HttpLimits limits, Path pluginsDir, Optional<String> advertisedHttp) {

    static NodeSettings from(Settings s) {
        String advertiseAddr = s.string("ADVERTISE_ADDR", "127.0.0.1:7946");
        int colon = advertiseAddr.lastIndexOf(':');
        if (colon <= 0) {
            throw new InvalidSettingException("ADVERTISE_ADDR", advertiseAddr, "expected host:port");
        }
        String advertisedPort = advertiseAddr.substring(colon + 1);
        if (!advertisedPort.matches("[0-9]{1,5}") || Integer.parseInt(advertisedPort) < 1 || Integer.parseInt(advertisedPort) > 65535) {
            throw new InvalidSettingException("ADVERTISE_ADDR", advertiseAddr, "expected host:port with a port from 1 to 65535");
        }
        String httpHost = s.string("HTTP_HOST", "0.0.0.0");
        HttpListenAddress.host(httpHost);
        String nodeId = s.string("NODE_ID", "node1");
        if (!nodeId.matches("[A-Za-z0-9._-]{1,64}")) {
            throw new InvalidSettingException("NODE_ID", nodeId, "expected 1 to 64 letters, digits, '.', '_' or '-'");
        }
        return new NodeSettings(nodeId,
                httpHost,
                (int) s.longValue("HTTP_PORT", 8080, 0, 65535),
                advertiseAddr.substring(0, colon),
                s.string(PluginRegistry.STORAGE, "file"),
                s.string(PluginRegistry.CONNECTOR, "channel"),
                s.string("CONNECTOR_TOPIC", "storage-topic"),
                ClusterMode.of(s),
                limits(s),
                pluginsDir(s),
                advertisedHttp(s));
    }

    /**
     * {@code ADVERTISE_HTTP}: the {@code host:port} other nodes and clients reach this node's HTTP
     * at, when it is not {@code ADVERTISE_ADDR}'s host with the bound port (behind a port mapping or a
     * proxy); unset by default.
     */
    private static Optional<String> advertisedHttp(Settings s) {
        Optional<String> raw = s.get("ADVERTISE_HTTP").map(String::strip).filter(v -> !v.isEmpty());
        raw.ifPresent(v -> {
            int colon = v.lastIndexOf(':');
            String port = colon < 0 ? "" : v.substring(colon + 1);
            if (colon <= 0 || !port.matches("[0-9]{1,5}") || Integer.parseInt(port) < 1 || Integer.parseInt(port) > 65535) {
                throw new InvalidSettingException("ADVERTISE_HTTP", v, "expected host:port with a port from 1 to 65535");
            }
        });
        return raw;
    }

    private static HttpLimits limits(Settings s) {
        int concurrentRequests = (int) s.longValue("MAX_CONCURRENT_REQUESTS", HttpLimits.DEFAULT_MAX_CONCURRENT_REQUESTS, 2, 1_000_000);
        int longPolls = (int) s.longValue("MAX_LONG_POLLS", Math.min(HttpLimits.DEFAULT_MAX_LONG_POLLS, concurrentRequests / 2), 1, 1_000_000);
        if (longPolls >= concurrentRequests) {
            throw new InvalidSettingException("MAX_LONG_POLLS", Integer.toString(longPolls), "expected fewer than MAX_CONCURRENT_REQUESTS ("
                    + concurrentRequests + "), so that waiting reads never take every request slot");
        }
        return new HttpLimits(s.longValue("MAX_BODY_BYTES", HttpLimits.DEFAULT_MAX_BODY_BYTES, 1024, 1L << 30),
                (int) s.longValue("MAX_JSON_DEPTH", HttpLimits.DEFAULT_MAX_JSON_DEPTH, 2, 1000),
                s.longValue("MAX_WAIT_MS", HttpLimits.DEFAULT_MAX_WAIT_MILLIS, 0, 600_000),
                (int) s.longValue("MAX_CONNECTIONS", HttpLimits.DEFAULT_MAX_CONNECTIONS, 1, 1_000_000),
                concurrentRequests, longPolls);
    }

    /** The plugins of the image and of {@code PLUGINS_DIR}. */
    static PluginRegistry plugins(Settings s) {
        return PluginRegistry.withPluginsDir(pluginsDir(s));
    }

    /** {@code PLUGINS_DIR}, else {@code plugins/} of the image ({@code storelog.home}), else {@code ./plugins}. */
    static Path pluginsDir(Settings s) {
        String home = System.getProperty("storelog.home");
        String fallback = home != null ? Path.of(home, "plugins").toString() : "plugins";
        String dir = s.string(PluginRegistry.PLUGINS_DIR, fallback);
        Path path;
        try {
            path = Path.of(dir).toAbsolutePath().normalize();
        } catch (java.nio.file.InvalidPathException e) {
            throw new InvalidSettingException(PluginRegistry.PLUGINS_DIR, dir, "not a valid path: " + e.getReason());
        }
        if (!dir.equals(fallback) && !Files.isDirectory(path)) {
            throw new InvalidSettingException(PluginRegistry.PLUGINS_DIR, dir, "no such directory"); // a default may be absent
        }
        return path;
    }
}
