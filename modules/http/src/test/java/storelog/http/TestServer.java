package storelog.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.helidon.webserver.WebServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;
import storelog.api.Settings;
import storelog.api.spi.StorageEngine;
import storelog.core.ClusterView;
import storelog.core.EpochCheck;
import storelog.core.EpochFence;
import storelog.core.ReplicaLog;
import storelog.core.LeaderCheck;
import storelog.core.LogService;
import storelog.core.PluginsInUse;
import storelog.core.Standalone;
import storelog.core.PluginRegistry;

/** A real Helidon server on port 0 serving {@link StoreLogHttp} over the real file engine, and a client for it. */
final class TestServer implements AutoCloseable {

    static final ObjectMapper JSON = new ObjectMapper();

    final StorageEngine engine;
    final LogService log;
    final WebServer web;
    final StoreLogHttp http;
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private TestServer(Builder b) {
        StorageEngine file = PluginRegistry.bootLayer().storageEngine("file")
                .open(Settings.of(Map.of("DATA_DIR", b.dataDir.toString())));
        this.engine = new FaultyEngine(file);
        int[] port = new int[1];
        ClusterView cluster = b.cluster.apply(() -> "127.0.0.1:" + port[0]);
        this.log = new LogService(engine, Clock.systemUTC(), b.limits.maxLongPolls(), LeaderCheck.of(cluster));
        this.http = StoreLogHttp.builder()
                .log(log)
                .replicas(new ReplicaLog(engine, log, EpochFence.inMemory(), EpochCheck.BOUNDS, cluster, Clock.systemUTC()))
                .cluster(cluster)
                .plugins(new PluginsInUse("file", "channel", "none", List.of()))
                .limits(b.limits)
                .clusterSecret(b.secret)
                .metrics("storelog_storage_", engine::metrics)
                .build();
        this.web = http.webServer("127.0.0.1", 0, Duration.ofSeconds(5), Optional.empty()).build().start();
        port[0] = web.port();
    }

    /** A standalone node with the default limits. */
    TestServer(Path dataDir) {
        this(builder(dataDir));
    }

    static Builder builder(Path dataDir) {
        return new Builder(dataDir);
    }

    /** What a test server differs in. */
    static final class Builder {
        private final Path dataDir;
        private HttpLimits limits = HttpLimits.defaults();
        private Optional<String> secret = Optional.empty();
        private Function<Supplier<String>, ClusterView> cluster = http -> new Standalone("node-t", http);

        private Builder(Path dataDir) {
            this.dataDir = dataDir;
        }

        Builder limits(HttpLimits limits) {
            this.limits = limits;
            return this;
        }

        Builder secret(String secret) {
            this.secret = Optional.of(secret);
            return this;
        }

        /** The cluster view, given this node's HTTP address ({@code 127.0.0.1:<port>}, known once started). */
        Builder cluster(Function<Supplier<String>, ClusterView> cluster) {
            this.cluster = cluster;
            return this;
        }

        TestServer start() {
            return new TestServer(this);
        }
    }

    URI uri(String pathAndQuery) {
        return URI.create("http://127.0.0.1:" + web.port() + pathAndQuery);
    }

    HttpResponse<String> post(String path, String body) {
        return send(HttpRequest.newBuilder(uri(path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    HttpResponse<String> get(String pathAndQuery) {
        return send(HttpRequest.newBuilder(uri(pathAndQuery)).GET().build());
    }

    HttpResponse<String> send(HttpRequest request) {
        try {
            return client.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static JsonNode json(HttpResponse<String> response) {
        try {
            return JSON.readTree(response.body());
        } catch (IOException e) {
            throw new UncheckedIOException("not JSON: " + response.body(), e);
        }
    }

    @Override
    public void close() {
        web.stop();
        engine.close();
    }
}
