package storelog.http;

import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import storelog.core.LogService;
import storelog.core.Payload;
import storelog.core.WireFormat;

/** {@code POST /publish} (GoStoreLog's) and {@code POST /publish/batch} (all or nothing). */
final class PublishRoutes {

    private final LogService log;
    private final WireFormat wire;
    private final HttpLimits limits;
    private final HttpMetrics metrics;

    PublishRoutes(LogService log, WireFormat wire, HttpLimits limits, HttpMetrics metrics) {
        this.log = log;
        this.wire = wire;
        this.limits = limits;
        this.metrics = metrics;
    }

    void register(HttpRules rules) {
        rules.post("/publish", this::publish);
        rules.post("/publish/batch", this::batch);
        MethodNotAllowed.register(rules, "/publish", "POST");
        MethodNotAllowed.register(rules, "/publish/batch", "POST");
    }

    private void publish(ServerRequest req, ServerResponse res) {
        WireFormat.PublishMessage message = wire.publish(Requests.jsonBody(req, limits));
        long offset = log.publish(message.partition(), message.payload());
        metrics.published(1, message.payload().bytes().length);
        Json.send(res, Status.OK_200, PublishedJson.published(message.partition().value(), offset));
    }

    private void batch(ServerRequest req, ServerResponse res) {
        WireFormat.BatchMessage batch = wire.batch(Requests.jsonBody(req, limits));
        long base = log.publishBatch(batch.partition(), batch.payloads());
        long bytes = 0;
        for (Payload p : batch.payloads()) {
            bytes += p.bytes().length;
        }
        metrics.published(batch.payloads().size(), bytes);
        Json.send(res, Status.OK_200, PublishedJson.batchPublished(batch.partition().value(), base, batch.payloads().size()));
    }
}
