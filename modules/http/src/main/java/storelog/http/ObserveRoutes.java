package storelog.http;

import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * {@code GET /health} ({@code /health/live}, {@code /health/ready}) in Helidon's health format, and
 * {@code GET /metrics} in the Prometheus text format.
 */
final class ObserveRoutes {

    private final HttpMetrics metrics;
    private final Map<String, Supplier<Map<String, Long>>> sources;
    private final BooleanSupplier ready;

    /**
     * @param sources metric sources by prefix, e.g. {@code storelog_storage_} for the engine's counters
     * @param ready   whether the node serves (storage open, not shutting down)
     */
    ObserveRoutes(HttpMetrics metrics, Map<String, Supplier<Map<String, Long>>> sources, BooleanSupplier ready) {
        this.metrics = metrics;
        this.sources = sources;
        this.ready = ready;
    }

    void register(HttpRules rules) {
        rules.get("/health", (req, res) -> health(res, ready.getAsBoolean()));
        rules.get("/health/ready", (req, res) -> health(res, ready.getAsBoolean()));
        rules.get("/health/live", (req, res) -> health(res, true));
        rules.get("/metrics", this::metrics);
        for (String path : new String[] {"/health", "/health/ready", "/health/live", "/metrics"}) {
            MethodNotAllowed.register(rules, path, "GET");
        }
    }

    private static void health(ServerResponse res, boolean up) {
        String status = up ? "UP" : "DOWN";
        Json.send(res, up ? Status.OK_200 : Status.SERVICE_UNAVAILABLE_503, json -> {
            json.writeStartObject();
            json.writeStringField("status", status);
            json.writeArrayFieldStart("checks");
            json.writeStartObject();
            json.writeStringField("name", "storelog");
            json.writeStringField("status", status);
            json.writeEndObject();
            json.writeEndArray();
            json.writeEndObject();
        });
    }

    private void metrics(ServerRequest req, ServerResponse res) {
        StringBuilder out = new StringBuilder(4096);
        metrics.write(out);
        sources.forEach((prefix, source) -> HttpMetrics.write(out, prefix, source.get()));
        res.status(Status.OK_200);
        res.header(HeaderNames.CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8");
        res.send(out.toString().getBytes(StandardCharsets.UTF_8));
    }
}
