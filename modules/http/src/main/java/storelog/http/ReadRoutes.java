package storelog.http;

import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.time.Duration;
import java.util.List;
import storelog.api.PartitionInfo;
import storelog.api.PartitionKey;
import storelog.api.Record;
import storelog.core.LogService;

/** {@code GET /read}, {@code GET /records} (range and long-poll tailing) and {@code GET /partitions}. */
final class ReadRoutes {

    /** Records {@code /records} returns when {@code max} is not given. */
    static final int DEFAULT_MAX = 100;

    private final LogService log;
    private final HttpLimits limits;
    private final HttpMetrics metrics;

    ReadRoutes(LogService log, HttpLimits limits, HttpMetrics metrics) {
        this.log = log;
        this.limits = limits;
        this.metrics = metrics;
    }

    void register(HttpRules rules) {
        rules.get("/read", this::read);
        rules.get("/records", this::records);
        rules.get("/partitions", this::partitions);
        MethodNotAllowed.register(rules, "/read", "GET");
        MethodNotAllowed.register(rules, "/records", "GET");
        MethodNotAllowed.register(rules, "/partitions", "GET");
    }

    private void read(ServerRequest req, ServerResponse res) {
        PartitionKey partition = Requests.partition(req);
        long offset = Requests.number(req, "offset", -1, 0, Long.MAX_VALUE);
        Record record = log.read(partition, offset);
        metrics.read(1);
        Json.send(res, Status.OK_200, json -> RecordJson.write(json, record));
    }

    private void records(ServerRequest req, ServerResponse res) {
        PartitionKey partition = Requests.partition(req);
        long from = Requests.number(req, "offset", 0, 0, Long.MAX_VALUE);
        int max = (int) Requests.number(req, "max", DEFAULT_MAX, 1, LogService.MAX_READ_RECORDS);
        // capped, not refused: a client cannot know this server's MAX_WAIT_MS
        long waitMillis = Math.min(Requests.number(req, "wait_ms", 0, 0, Long.MAX_VALUE), limits.maxWaitMillis());
        List<Record> records = waitMillis > 0
                ? log.awaitRecords(partition, from, max, Duration.ofMillis(waitMillis))
                : log.records(partition, from, max);
        metrics.read(records.size());
        Json.send(res, Status.OK_200, json -> {
            json.writeStartObject();
            json.writeArrayFieldStart("records");
            for (Record r : records) {
                RecordJson.write(json, r);
            }
            json.writeEndArray();
            json.writeNumberField("next_offset", from + records.size());
            json.writeEndObject();
        });
    }

    private void partitions(ServerRequest req, ServerResponse res) {
        List<PartitionInfo> all = log.partitions();
        Json.send(res, Status.OK_200, json -> {
            json.writeStartArray();
            for (PartitionInfo p : all) {
                json.writeStartObject();
                json.writeStringField("partition_key", p.partition().value());
                json.writeNumberField("next_offset", p.nextOffset());
                json.writeNumberField("segments", p.segments());
                json.writeNumberField("bytes", p.bytes());
                json.writeEndObject();
            }
            json.writeEndArray();
        });
    }
}
