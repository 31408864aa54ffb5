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
import storelog.api.Settings;
import storelog.api.spi.StorageEngine;
import storelog.core.LogService;
import storelog.core.PluginsInUse;
import storelog.core.Standalone;
import storelog.core.PluginRegistry;

/** A real Helidon server on port 0 serving {@link StoreLogHttp} over the real file engine, and a client for it. */
final class TestServer implements AutoCloseable {

    static final ObjectMapper JSON = new ObjectMapper();

    final StorageEngine engine;
    final WebServer web;
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    TestServer(Path dataDir, HttpLimits limits, Optional<String> secret) {
        StorageEngine file = PluginRegistry.bootLayer().storageEngine("file")
                .open(Settings.of(Map.of("DATA_DIR", dataDir.toString())));
        this.engine = new FaultyEngine(file);
        LogService log = new LogService(engine, Clock.systemUTC());
        int[] port = new int[1];
        StoreLogHttp http = StoreLogHttp.builder()
                .log(log)
                .cluster(new Standalone("node-t", () -> "127.0.0.1:" + port[0]))
                .plugins(new PluginsInUse("file", "channel", "none", List.of()))
                .limits(limits)
                .clusterSecret(secret)
                .metrics("storelog_storage_", engine::metrics)
                .build();
        this.web = WebServer.builder().host("127.0.0.1").port(0).maxPayloadSize(limits.listenerPayloadLimit())
                .directHandlers(http.directHandlers()).shutdownHook(false).routing(http::route).build().start();
        port[0] = web.port();
    }

    TestServer(Path dataDir) {
        this(dataDir, HttpLimits.defaults(), Optional.empty());
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
