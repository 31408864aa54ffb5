package storelog.http;

import io.helidon.common.config.Config;
import io.helidon.http.DirectHandler;
import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.http.Status;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.WebServerConfig;
import io.helidon.webserver.http.DirectHandlers;
import io.helidon.webserver.http.HttpRouting;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import storelog.api.InvalidSettingException;
import storelog.core.ClusterView;
import storelog.core.LogService;
import storelog.core.ReplicaLog;
import storelog.core.PluginsInUse;
import storelog.core.WireFormat;

/**
 * StoreLog's HTTP API (API.md §3) for a Helidon SE {@link HttpRouting}: register it with
 * {@link #route(HttpRouting.Builder)} and give the listener {@link #directHandlers()}, so that even
 * errors Helidon answers itself (a body over the limit, a malformed request line) carry the JSON error
 * body. Thread-safe once built.
 */
public final class StoreLogHttp {

    /** Keys of the configuration's {@code server} section that StoreLog sets itself, and why they may not be set there. */
    private static final Map<String, String> OWN_KEYS = Map.of("host", "set HTTP_HOST instead",
            "address", "set HTTP_HOST instead", "bind-address", "set HTTP_HOST instead", "port", "set HTTP_PORT instead",
            "max-payload-size", "set MAX_BODY_BYTES instead", "max-tcp-connections", "set MAX_CONNECTIONS instead",
            "max-concurrent-requests", "set MAX_CONCURRENT_REQUESTS instead",
            "concurrency-limit", "set MAX_CONCURRENT_REQUESTS instead",
            "shutdown-grace-period", "StoreLog sets it (in-flight requests get their time within its shutdown deadline)");

    private final LogService log;
    private final ReplicaLog replicas;
    private final ClusterView cluster;
    private final PluginsInUse plugins;
    private final HttpLimits limits;
    private final ClusterSecret secret;
    private final Map<String, Supplier<Map<String, Long>>> metricSources;
    private final BooleanSupplier ready;
    private final HttpMetrics metrics = new HttpMetrics();

    private StoreLogHttp(Builder b) {
        this.log = Objects.requireNonNull(b.log, "log");
        this.replicas = Objects.requireNonNull(b.replicas, "replicas");
        this.cluster = Objects.requireNonNull(b.cluster, "cluster");
        this.plugins = Objects.requireNonNull(b.plugins, "plugins");
        this.limits = b.limits;
        this.secret = new ClusterSecret(b.secret);
        this.metricSources = Map.copyOf(b.metricSources);
        this.ready = b.ready;
    }

    /**
     * Waits, at most {@code timeout}, until no request is being handled; returns whether none is. The
     * node's shutdown calls it after stopping the web server, before it closes the engine: when Helidon
     * ended the listener by itself the web server's stop returns at once, while the requests in flight
     * still get their grace period.
     */
    public boolean awaitIdle(Duration timeout) throws InterruptedException {
        return metrics.awaitIdle(timeout);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Adds every endpoint, the metrics filter, the error mapper and the JSON 404 to {@code routing}. */
    public void route(HttpRouting.Builder routing) {
        WireFormat wire = new WireFormat(limits.maxJsonDepth());
        routing.addFilter(metrics);
        new PublishRoutes(log, wire, limits, metrics).register(routing);
        new ReadRoutes(log, limits, metrics).register(routing);
        new NodeRoutes(log, replicas, cluster, plugins, wire, limits, secret).register(routing);
        Map<String, Supplier<Map<String, Long>>> sources = new LinkedHashMap<>(metricSources);
        sources.put("storelog_long_polls_", log::longPollMetrics);
        new ObserveRoutes(metrics, sources, ready).register(routing);
        routing.any((req, res) -> Json.sendError(res, Status.NOT_FOUND_404,
                "no endpoint " + req.prologue().method().text() + " " + req.path().path(), "not_found"));
        routing.error(Throwable.class, new ErrorMapper());
    }

    /**
     * A web server for this API: the {@code server} section of the configuration file first (TLS,
     * timeouts, socket options: anything Helidon's web server reads), then StoreLog's own settings —
     * address, body limit, connection and request limits — which that section may not set.
     *
     * @param serverSection the file's {@code server} node, when it has one
     * @throws InvalidSettingException when the section sets what a StoreLog setting owns, or is unusable
     */
    public WebServerConfig.Builder webServer(String host, int port, Duration shutdownGrace, Optional<? extends Config> serverSection) {
        WebServerConfig.Builder builder = WebServer.builder();
        serverSection.ifPresent(section -> configure(builder, section));
        return builder.host(host)
                .port(port)
                .maxPayloadSize(limits.listenerPayloadLimit())
                .maxTcpConnections(limits.maxConnections())
                .maxConcurrentRequests(limits.maxConcurrentRequests())
                .directHandlers(directHandlers())
                .shutdownGracePeriod(shutdownGrace)
                .shutdownHook(false)
                .routing(this::route);
    }

    private static void configure(WebServerConfig.Builder builder, Config section) {
        OWN_KEYS.forEach((key, reason) -> {
            Config value = section.get(key);
            if (value.exists()) {
                throw new InvalidSettingException("server." + key, value.asString().orElse("(a section)"), reason);
            }
        });
        try {
            builder.config(section);
        } catch (RuntimeException e) {
            String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage().lines().findFirst().orElse("");
            throw new InvalidSettingException("server", section.key().toString(), "unusable web server configuration: " + message);
        }
    }

    /** Handlers for errors Helidon answers before routing: the same JSON error body. */
    public DirectHandlers directHandlers() {
        DirectHandlers.Builder handlers = DirectHandlers.builder();
        for (DirectHandler.EventType type : DirectHandler.EventType.values()) {
            handlers.addHandler(type, (request, eventType, status, headers, message) -> {
                String text = status.code() == Status.REQUEST_ENTITY_TOO_LARGE_413.code()
                        ? "the request body is larger than " + limits.maxBodyBytes() + " bytes (MAX_BODY_BYTES)"
                        : message == null || message.isBlank() ? status.reasonPhrase() : message;
                DirectHandler.TransportResponse.Builder response = DirectHandler.TransportResponse.builder()
                        .status(status)
                        .headers(headers)
                        .header(HeaderValues.CONTENT_TYPE_JSON)
                        .keepAlive(eventType.keepAlive())
                        .entity(Json.error(text, ErrorMapper.codeOf(status), null));
                if (status.code() == Status.SERVICE_UNAVAILABLE_503.code()) {
                    response.header(HeaderNames.RETRY_AFTER, ErrorMapper.RETRY_AFTER_SECONDS);
                }
                return response.build();
            });
        }
        return handlers.build();
    }

    /** Builds a {@link StoreLogHttp}. */
    public static final class Builder {
        private LogService log;
        private ReplicaLog replicas;
        private ClusterView cluster;
        private PluginsInUse plugins;
        private HttpLimits limits = HttpLimits.defaults();
        private Optional<String> secret = Optional.empty();
        private final Map<String, Supplier<Map<String, Long>>> metricSources = new LinkedHashMap<>();
        private BooleanSupplier ready = () -> true;

        private Builder() {
        }

        public Builder log(LogService log) {
            this.log = log;
            return this;
        }

        /** The follower side of replication (node-to-node endpoints, lag and truncations in {@code /status}). */
        public Builder replicas(ReplicaLog replicas) {
            this.replicas = replicas;
            return this;
        }

        public Builder cluster(ClusterView cluster) {
            this.cluster = cluster;
            return this;
        }

        public Builder plugins(PluginsInUse plugins) {
            this.plugins = plugins;
            return this;
        }

        public Builder limits(HttpLimits limits) {
            this.limits = limits;
            return this;
        }

        /** {@code CLUSTER_SECRET}; without one, node-to-node endpoints refuse every request. */
        public Builder clusterSecret(Optional<String> secret) {
            this.secret = secret;
            return this;
        }

        /** Adds counters to {@code /metrics}, each name prefixed with {@code prefix}. */
        public Builder metrics(String prefix, Supplier<Map<String, Long>> source) {
            metricSources.put(prefix, source);
            return this;
        }

        /** Readiness for {@code /health/ready}. */
        public Builder ready(BooleanSupplier ready) {
            this.ready = ready;
            return this;
        }

        public StoreLogHttp build() {
            return new StoreLogHttp(this);
        }
    }
}
