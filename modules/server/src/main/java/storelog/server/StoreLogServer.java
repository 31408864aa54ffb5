package storelog.server;

import io.helidon.webserver.WebServer;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import storelog.api.InvalidSettingException;
import storelog.api.Settings;
import storelog.api.spi.Connector;
import storelog.api.spi.ConnectorProvider;
import storelog.api.spi.StorageEngine;
import storelog.api.spi.StorageEngineProvider;
import storelog.cluster.ClusterNode;
import storelog.cluster.Replicator;
import storelog.core.ClusterMode;
import storelog.core.ClusterView;
import storelog.core.ConnectorIngest;
import storelog.core.LeaderCheck;
import storelog.core.EpochCheck;
import storelog.core.EpochFence;
import storelog.core.ReplicaLog;
import storelog.core.LogService;
import storelog.core.PluginRegistry;
import storelog.core.PluginsInUse;
import storelog.core.Standalone;
import storelog.core.WireFormat;
import storelog.http.StoreLogHttp;

/**
 * A running StoreLog node, assembled in the order of DESIGN.md §2: settings, plugin registry,
 * storage engine (recovery), connector and its subscriber, HTTP. {@link #close()} runs the reverse:
 * stop accepting, finish in-flight requests, stop the subscriber and connector, and close the
 * engine last (fsync, clean-shutdown marker). Also usable embedded (tests start several in one JVM).
 */
public final class StoreLogServer implements AutoCloseable {

    private static final Logger LOG = System.getLogger(StoreLogServer.class.getName());
    /** How long in-flight requests may take to finish at shutdown. */
    static final Duration GRACE = Duration.ofSeconds(5);

    private final StorageEngine engine;
    private final LogService log;
    private final Connector connector;
    private final AutoCloseable ingest;
    private final WebServer web;
    private final StoreLogHttp http;
    private final ClusterNode cluster;
    private final Replicator replicator;
    private final AtomicBoolean serving;
    private final AtomicBoolean closing;
    private final CompletableFuture<String> httpLost;
    private final ListenerEndWatch listenerEnd;
    private final CountDownLatch closed = new CountDownLatch(1);
    private volatile ShutdownStep step = ShutdownStep.LEAVE_CLUSTER;

    private StoreLogServer(StorageEngine engine, LogService log, Connector connector, AutoCloseable ingest, WebServer web,
                           StoreLogHttp http,
                           AtomicBoolean serving, ClusterNode cluster, Replicator replicator, ListenerEndWatch listenerEnd,
                           AtomicBoolean closing, CompletableFuture<String> httpLost) {
        this.listenerEnd = listenerEnd;
        this.closing = closing;
        this.httpLost = httpLost;
        this.cluster = cluster;
        this.replicator = replicator;
        this.engine = engine;
        this.log = log;
        this.connector = connector;
        this.ingest = ingest;
        this.web = web;
        this.http = http;
        this.serving = serving;
    }

    /**
     * Starts a node.
     *
     * @throws storelog.api.InvalidSettingException when a setting is unusable (nothing is left open)
     */
    public static StoreLogServer start(Settings settings) {
        return start(settings, Optional.empty());
    }

    /**
     * Starts a node whose web server is also configured by the configuration file's {@code server}
     * section (TLS, timeouts, socket options ...), under StoreLog's own settings.
     */
    static StoreLogServer start(Settings settings, Optional<io.helidon.config.Config> webServerSection) {
        NodeSettings node = NodeSettings.from(settings);
        HttpListenAddress.checkPort(HttpListenAddress.host(node.httpHost()), node.httpPort());
        PluginRegistry registry = PluginRegistry.withPluginsDir(node.pluginsDir());
        StorageEngineProvider storage = registry.storageEngine(node.storage());
        ConnectorProvider connectors = registry.connector(node.connector());

        ClusterNode cluster = node.cluster().clustered() ? ClusterNode.open(settings, registry) : null;
        StorageEngine engine;
        try {
            engine = registry.withLoaderOf(storage, () -> storage.open(settings));
        } catch (RuntimeException e) {
            closeQuietly(cluster);
            throw e;
        }
        Connector connector = null;
        AutoCloseable ingest = null;
        Replicator replicator = null;
        ListenerEndWatch listenerEnd = null;
        AtomicBoolean closing = new AtomicBoolean(); // set on a failed start too: its listener's end is no loss
        try {
            AtomicInteger port = new AtomicInteger();
            ClusterView view = cluster != null ? cluster : new Standalone(node.nodeId(), () -> node.advertise() + ":" + port.get());
            replicator = cluster != null ? Replicator.of(cluster, engine, settings) : null;
            LogService log = new LogService(engine, Clock.systemUTC(), node.limits().maxLongPolls(),
                    replicator != null ? replicator.leaderCheck() : LeaderCheck.STANDALONE);
            ReplicaLog replicas = new ReplicaLog(engine, log, cluster != null ? cluster.fence() : EpochFence.inMemory(),
                    EpochCheck.BOUNDS, view, Clock.systemUTC());
            if (replicator != null) {
                replicator.start(log);
                raiseToWrittenEpochs(engine, cluster);
            }
            connector = registry.withLoaderOf(connectors, () -> connectors.open(settings));
            Connector opened = connector;
            Supplier<ConnectorIngest> subscribe = () -> ConnectorIngest.start(opened, node.topic(), log,
                    new WireFormat(node.limits().maxJsonDepth()));
            Supplier<Map<String, Long>> ingestMetrics;
            if (cluster != null) {
                LeaderOnlyIngest leaderOnly = new LeaderOnlyIngest(subscribe);
                cluster.onLeadershipChange(leaderOnly::leadershipChanged);
                ingest = leaderOnly;
                ingestMetrics = leaderOnly::metrics;
            } else {
                ConnectorIngest always = subscribe.get();
                ingest = always;
                ingestMetrics = always::metrics;
            }
            AtomicBoolean serving = new AtomicBoolean();
            // before the node exists too: a listener that ends while the cluster starts, say, is not forgotten
            CompletableFuture<String> httpLost = new CompletableFuture<>();
            Runnable listenerStopped = () -> listenerStopped(closing, httpLost);
            Replicator replicatorOf = replicator;
            StoreLogHttp http = StoreLogHttp.builder()
                    .log(log)
                    .replicas(replicas)
                    .cluster(view)
                    .plugins(new PluginsInUse(storage.name(), connectors.name(),
                            cluster != null ? String.join(",", cluster.electorNames()) : "none",
                            cluster != null ? cluster.discoveryNames() : List.of()))
                    .limits(node.limits())
                    .clusterSecret(node.cluster().secret())
                    .metrics("storelog_storage_", engine::metrics)
                    .metrics("storelog_connector_", connector::metrics)
                    .metrics("storelog_", ingestMetrics)
                    .metrics("storelog_replication_", () -> replicationMetrics(replicas, replicatorOf))
                    .ready(serving::get)
                    .build();
            listenerEnd = ListenerEndWatch.start(listenerStopped);
            WebServer web = http.webServer(node.httpHost(), node.httpPort(), GRACE, webServerSection).build().start();
            if (!web.isRunning()) { // bound by someone else since the check: Helidon logged why
                throw new InvalidSettingException("HTTP_PORT", Integer.toString(node.httpPort()), "cannot listen on "
                        + node.httpHost() + ":" + node.httpPort() + " (see the log above)");
            }
            port.set(web.port());
            if (cluster != null) {
                try {
                    cluster.start(node.advertisedHttp().orElse(node.advertise() + ":" + web.port()));
                } catch (RuntimeException e) {
                    closing.set(true);
                    web.stop();
                    throw e;
                }
            } else {
                LOG.log(Level.INFO, "standalone node: none of {0} is set, so this node is its own leader (epoch 0)",
                        String.join(", ", ClusterMode.VARIABLES));
            }
            StoreLogServer server = new StoreLogServer(engine, log, connector, ingest, web, http, serving, cluster, replicator,
                    listenerEnd, closing, httpLost);
            serving.set(true);
            // only now: what the engine put off (its background recovery) would have competed with the start-up above
            registry.withLoaderOf(storage, () -> {
                engine.serving();
                return null;
            });
            LOG.log(Level.INFO, "StoreLog node {0} serving HTTP on {1}:{2,number,#} (storage {3}, connector {4}, topic {5})",
                    node.nodeId(), node.httpHost(), web.port(), storage.name(), connectors.name(), node.topic());
            return server;
        } catch (RuntimeException e) {
            closing.set(true);
            closeQuietly(listenerEnd, replicator, cluster, ingest, connector, engine);
            throw e;
        }
    }

    /** The HTTP port (the one picked when {@code HTTP_PORT=0}). */
    public int port() {
        return web.port();
    }

    /** The running connector (tests publish into it). */
    Connector connector() {
        return connector;
    }

    /**
     * Completes, with why, when the HTTP listener stopped while this node was not shutting down: it
     * serves no one any more, so {@code serve} shuts it down for its supervisor to restart
     * ({@link ShutdownSignals#httpLost}).
     */
    public CompletableFuture<String> httpLost() {
        return httpLost;
    }

    private static void listenerStopped(AtomicBoolean closing, CompletableFuture<String> httpLost) {
        if (closing.get()) {
            return; // this node's own shutdown, or a start that failed
        }
        // logged by whoever acts on it (serve: ShutdownSignals), not here: before the node exists no one may
        httpLost.complete("the HTTP listener stopped by itself (see the web server's message above: an accept that "
                + "fails, for want of a file descriptor say, ends it; it accepts no connection any more)");
    }

    /** Whether this node's shutdown has begun. */
    public boolean isClosed() {
        return closing.get();
    }

    /**
     * Stops accepting, finishes in-flight requests, closes the connector and, last, the engine.
     * Idempotent; a call while another is closing waits until that one is done, so that no caller
     * goes on (to exit the process, say) while the engine is still writing its buffers.
     */
    @Override
    public void close() {
        if (!closing.compareAndSet(false, true)) {
            awaitClosed();
            return;
        }
        long start = System.nanoTime();
        try {
            serving.set(false);
            log.stopWaiting(); // long polls answer now instead of at their deadline
            step = ShutdownStep.LEAVE_CLUSTER;
            closeQuietly(replicator, cluster); // a leader releases its lease first: another node takes over at once
            step = ShutdownStep.STOP_HTTP;
            listenerEnd.close();
            web.stop();
            awaitRequestsDone(); // when Helidon ended the listener itself, web.stop() returns before they are
            step = ShutdownStep.CLOSE_CONNECTOR;
            closeQuietly(ingest, connector);
            step = ShutdownStep.CLOSE_ENGINE;
            closeQuietly(engine);
            step = ShutdownStep.DONE;
            LOG.log(Level.INFO, "StoreLog stopped in {0} ms", (System.nanoTime() - start) / 1_000_000);
        } finally {
            closed.countDown();
        }
    }

    /** Waits for the requests still being handled (at most the web server's grace) before the engine closes. */
    private void awaitRequestsDone() {
        try {
            if (!http.awaitIdle(GRACE)) {
                LOG.log(Level.WARNING, "requests still being handled after {0} s; closing the engine under them", GRACE.toSeconds());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** What the shutdown in progress has not done yet (the step it is in and the later ones). */
    ShutdownStep step() {
        return step;
    }

    private void awaitClosed() {
        boolean interrupted = false;
        while (true) {
            try {
                closed.await();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * The epoch checkpoint is never below an epoch this node's partitions were written with (it could
     * be, if the file was restored from an old copy): their histories are read in the background,
     * while each partition already refuses older epochs by its own history.
     */
    private static void raiseToWrittenEpochs(StorageEngine engine, ClusterNode cluster) {
        Thread.ofVirtual().name("storelog-epoch-floor").start(() -> {
            try {
                long highest = 0;
                for (var p : engine.partitions()) {
                    var epochs = engine.epochs(p.partition());
                    highest = Math.max(highest, epochs.isEmpty() ? 0 : epochs.getLast().epoch());
                }
                cluster.epochSeen(highest);
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "reading the partitions' epochs failed: " + e);
            }
        });
    }

    /** The follower side's truncations, and the leader's lag and in-sync set per follower. */
    private static Map<String, Long> replicationMetrics(ReplicaLog replicas, Replicator replicator) {
        Map<String, Long> all = new java.util.HashMap<>(replicator != null ? replicator.metrics() : Map.of());
        all.put("truncated_records_total", replicas.truncatedRecords());
        all.put("truncations_total", (long) replicas.truncations().size());
        return all;
    }

    private static void closeQuietly(AutoCloseable... parts) {
        for (AutoCloseable part : parts) {
            if (part == null) {
                continue;
            }
            try {
                part.close();
            } catch (Exception e) {
                LOG.log(Level.ERROR, "closing " + part.getClass().getSimpleName() + " failed", e);
            }
        }
    }
}
