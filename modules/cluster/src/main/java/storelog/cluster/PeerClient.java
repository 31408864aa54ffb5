package storelog.cluster;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import storelog.api.DataType;
import storelog.api.EpochStart;
import storelog.api.NewRecord;
import storelog.api.PartitionKey;
import storelog.api.Record;
import storelog.api.spi.PeerRoutes;
import storelog.core.ReplicaPush;
import storelog.core.ReplicateFrame;

/**
 * Node-to-node HTTP calls of the leader (API.md §3), each carrying {@code X-Cluster-Secret}: push
 * records ({@code /replicate}), fence and ask a node's state ({@code /replica/state}), take records
 * ({@code /replica/records}), and a follower's {@code /status}. Answers come back as values; every
 * failure to get an answer is an {@link IOException}. A node is named by the HTTP address it advertises;
 * {@code PEER_ROUTES} says where that address is really dialled. Thread-safe (one {@link HttpClient} shared).
 */
final class PeerClient {

    private static final JsonFactory JSON = new JsonFactory();
    private static final Logger LOG = System.getLogger(PeerClient.class.getName());

    /**
     * The answer to a push: {@code status} 200 with {@code nextOffset} and the partition's {@code lastEpoch}
     * on the follower (-1 when not said), or a 409 with its code and fields.
     */
    record PushAnswer(int status, String code, long nextOffset, long epoch, long followerEpoch, long followerEpochStart,
                      long lastEpoch) {
        boolean ok() {
            return status == 200;
        }
    }

    /** One partition in a node's state. */
    record PartitionState(long nextOffset, List<EpochStart> epochs) {
    }

    /** A node's answer to {@code /replica/state}: its partitions, or the higher epoch that fences the asker. */
    record State(Map<PartitionKey, PartitionState> partitions, long staleAgainst) {
    }

    /** Records taken from a node, with its epoch history of the partition. */
    record Records(List<Record> records, List<EpochStart> epochs) {
    }

    private final HttpClient http;
    private final String secret;
    private final Duration timeout;
    private final PeerRoutes routes;
    /**
     * Per follower (its advertised address) that refused a binary push, when it did ({@link #clock}):
     * it gets JSON until {@link #BINARY_RETRY} has passed, then binary is tried again — it may have been
     * upgraded meanwhile (a rolling upgrade restarts followers under the same address).
     */
    private final Map<String, Long> refusedBinaryAt = new ConcurrentHashMap<>();
    private final LongSupplier clock;

    /** How long a follower that refused binary pushes gets JSON before binary is tried again: one wasted request a minute at most. */
    static final Duration BINARY_RETRY = Duration.ofMinutes(1);

    PeerClient(String secret, Duration timeout) {
        this(secret, timeout, PeerRoutes.none());
    }

    PeerClient(String secret, Duration timeout, PeerRoutes routes) {
        this(secret, timeout, routes, System::nanoTime);
    }

    /** With {@code clock} (nanoseconds, as {@link System#nanoTime}) deciding when binary is tried again. */
    PeerClient(String secret, Duration timeout, PeerRoutes routes, LongSupplier clock) {
        this.clock = clock;
        this.secret = secret;
        this.timeout = timeout;
        this.routes = routes;
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofMillis(Math.min(timeout.toMillis(), 2_000))).build();
    }

    /**
     * Pushes records of one epoch to follower {@code nodeId} at {@code offset}, telling it where the
     * leader's epoch starts in the partition ({@code epochStart}, left out when not above 0); a 200
     * from another node is an {@link IOException}. The body is {@link ReplicateFrame} unless this
     * follower refused it less than {@link #BINARY_RETRY} ago ({@link PushBody}): then, and when it
     * refuses it now, JSON.
     */
    PushAnswer push(String node, String nodeId, PartitionKey partition, long offset, long epoch, long recordEpoch, long prevEpoch,
                    long leaderNext, long committed, long epochStart, List<Record> records) throws IOException {
        ReplicaPush push = new ReplicaPush(partition, offset, epoch, recordEpoch, prevEpoch, leaderNext, committed, epochStart,
                records);
        Long refusedAt = refusedBinaryAt.get(node);
        PushBody body = refusedAt == null || clock.getAsLong() - refusedAt >= BINARY_RETRY.toNanos() ? PushBody.BINARY : PushBody.JSON;
        HttpResponse<byte[]> response = send(post(node, "/replicate", body.contentType(), body.encode(push)));
        Map<String, Object> answer = flat(response.body());
        if (body == PushBody.BINARY && PushBody.refusesBinary(response.statusCode(), answer.get("code"))) {
            if (refusedAt == null) {
                LOG.log(Level.INFO, "{0} does not read binary pushes ({1} {2}); pushing JSON to it, binary again in {3} s", node,
                        response.statusCode(), answer.getOrDefault("code", ""), BINARY_RETRY.toSeconds());
            }
            refusedBinaryAt.put(node, clock.getAsLong());
            response = send(post(node, "/replicate", PushBody.JSON.contentType(), PushBody.JSON.encode(push)));
            answer = flat(response.body());
        } else if (body == PushBody.BINARY && refusedAt != null && response.statusCode() != 415) {
            LOG.log(Level.INFO, "{0} reads binary pushes now; pushing binary to it", node);
            refusedBinaryAt.remove(node, refusedAt);
        }
        if (response.statusCode() == 200) {
            requireNode(node, nodeId, answer.get("node_id"));
        }
        return new PushAnswer(response.statusCode(), (String) answer.getOrDefault("code", ""), number(answer, "next_offset"),
                number(answer, "epoch"), number(answer, "follower_epoch"), number(answer, "follower_epoch_start"),
                number(answer, "last_epoch"));
    }

    /** Fences {@code node} (member {@code nodeId}) with {@code epoch} and asks what it holds; an answer of another node is an {@link IOException}. */
    State state(String node, String nodeId, long epoch) throws IOException {
        byte[] body = json(g -> {
            g.writeStartObject();
            g.writeNumberField("epoch", epoch);
            g.writeEndObject();
        });
        HttpResponse<byte[]> response = send(post(node, "/replica/state", body));
        if (response.statusCode() == 409) {
            return new State(Map.of(), number(flat(response.body()), "epoch"));
        }
        requireOk(node, "/replica/state", response);
        Map<PartitionKey, PartitionState> partitions = new LinkedHashMap<>();
        String said = null;
        try (JsonParser p = JSON.createParser(response.body())) {
            expect(p.nextToken(), JsonToken.START_OBJECT);
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                p.nextToken();
                if (field.equals("node_id")) {
                    said = p.getText();
                    continue;
                }
                if (!field.equals("partitions")) {
                    p.skipChildren();
                    continue;
                }
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    PartitionKey key = PartitionKey.of(p.currentName());
                    expect(p.nextToken(), JsonToken.START_OBJECT);
                    long next = 0;
                    List<EpochStart> epochs = List.of();
                    while (p.nextToken() == JsonToken.FIELD_NAME) {
                        String name = p.currentName();
                        p.nextToken();
                        switch (name) {
                            case "next_offset" -> next = p.getLongValue();
                            case "epochs" -> epochs = epochs(p);
                            default -> p.skipChildren();
                        }
                    }
                    partitions.put(key, new PartitionState(next, epochs));
                }
            }
        }
        requireNode(node, nodeId, said);
        return new State(partitions, -1);
    }

    /**
     * The node at {@code node} is member {@code nodeId}: two members that name one address (a wrong
     * {@code ADVERTISE_HTTP}, a node renamed while its old name is still in the view) would otherwise
     * count one node's copy twice towards {@code MIN_INSYNC}.
     */
    private static void requireNode(String node, String nodeId, Object said) throws IOException {
        if (!nodeId.equals(said)) {
            LOG.log(Level.WARNING, "{0} answered as node {1}, not as member {2}: do two members name the same address?",
                    node, said, nodeId);
            throw new IOException(node + " answered as node " + said + ", not as member " + nodeId);
        }
    }

    /** Takes up to {@code max} records of {@code partition} from {@code offset} on {@code node}. */
    Records records(String node, PartitionKey partition, long offset, int max) throws IOException {
        String query = "/replica/records?partition=" + URLEncoder.encode(partition.value(), StandardCharsets.UTF_8)
                + "&offset=" + offset + "&max=" + max;
        HttpResponse<byte[]> response = send(request(node, query).GET().build());
        requireOk(node, query, response);
        List<Record> records = new ArrayList<>();
        List<EpochStart> epochs = List.of();
        try (JsonParser p = JSON.createParser(response.body())) {
            expect(p.nextToken(), JsonToken.START_OBJECT);
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken value = p.nextToken();
                if (field.equals("epochs")) {
                    epochs = epochs(p);
                } else if (field.equals("records") && value == JsonToken.START_ARRAY) {
                    while (p.nextToken() == JsonToken.START_OBJECT) {
                        records.add(record(p, partition));
                    }
                } else {
                    p.skipChildren();
                }
            }
        }
        return new Records(records, epochs);
    }

    /** Whether {@code node} answers at all ({@code /health/live}): a follower with nothing to receive is still alive. */
    void ping(String node) throws IOException {
        HttpResponse<byte[]> response = send(request(node, "/health/live").GET().build());
        requireOk(node, "/health/live", response);
    }

    /** A follower's next offset per partition, from its {@code /status}. */
    Map<PartitionKey, Long> nextOffsets(String node) throws IOException {
        HttpResponse<byte[]> response = send(request(node, "/status").GET().build());
        requireOk(node, "/status", response);
        Map<PartitionKey, Long> next = new LinkedHashMap<>();
        try (JsonParser p = JSON.createParser(response.body())) {
            expect(p.nextToken(), JsonToken.START_OBJECT);
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                p.nextToken();
                if (!field.equals("partitions")) {
                    p.skipChildren();
                    continue;
                }
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    PartitionKey key = PartitionKey.of(p.currentName());
                    p.nextToken();
                    while (p.nextToken() == JsonToken.FIELD_NAME) {
                        String name = p.currentName();
                        p.nextToken();
                        if (name.equals("next_offset")) {
                            next.put(key, p.getLongValue());
                        } else {
                            p.skipChildren();
                        }
                    }
                }
            }
        }
        return next;
    }

    private static Record record(JsonParser p, PartitionKey partition) throws IOException {
        long offset = -1;
        byte[] data = null;
        int type = 0;
        long timestamp = 0;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            p.nextToken();
            switch (name) {
                case "offset" -> offset = p.getLongValue();
                case "data" -> data = Base64.getDecoder().decode(p.getText());
                case "data_type" -> type = p.getIntValue();
                case "timestamp" -> timestamp = p.getLongValue();
                default -> p.skipChildren();
            }
        }
        if (offset < 0 || data == null) {
            throw new IOException("a record without offset or data");
        }
        return new Record(partition, offset, DataType.fromCode(type), data, timestamp);
    }

    private static List<EpochStart> epochs(JsonParser p) throws IOException {
        List<EpochStart> epochs = new ArrayList<>();
        expect(p.currentToken(), JsonToken.START_ARRAY);
        while (p.nextToken() == JsonToken.START_ARRAY) {
            p.nextToken();
            long epoch = p.getLongValue();
            p.nextToken();
            long start = p.getLongValue();
            expect(p.nextToken(), JsonToken.END_ARRAY);
            epochs.add(new EpochStart(epoch, start));
        }
        return epochs;
    }

    /** Records read from the leader's own log, as one replicated batch would carry them. */
    static List<NewRecord> asNew(List<Record> records) {
        return records.stream().map(r -> new NewRecord(r.type(), r.payload(), r.timestamp())).toList();
    }

    private HttpRequest.Builder request(String node, String pathAndQuery) {
        return HttpRequest.newBuilder(URI.create("http://" + routes.route(node) + pathAndQuery)).timeout(timeout)
                .header("X-Cluster-Secret", secret);
    }

    private HttpRequest post(String node, String path, byte[] body) {
        return post(node, path, "application/json", body);
    }

    private HttpRequest post(String node, String path, String contentType, byte[] body) {
        return request(node, path).header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
    }

    private HttpResponse<byte[]> send(HttpRequest request) throws IOException {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofByteArray());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    private static void requireOk(String node, String what, HttpResponse<byte[]> response) throws IOException {
        if (response.statusCode() != 200) {
            throw new IOException(node + what + " answered " + response.statusCode() + ": "
                    + new String(response.body(), StandardCharsets.UTF_8));
        }
    }

    /** The top-level scalar fields of a JSON object. */
    private static Map<String, Object> flat(byte[] body) throws IOException {
        Map<String, Object> fields = new LinkedHashMap<>();
        try (JsonParser p = JSON.createParser(body)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return fields;
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken value = p.nextToken();
                switch (value) {
                    case VALUE_NUMBER_INT -> fields.put(name, p.getLongValue());
                    case VALUE_STRING -> fields.put(name, p.getText());
                    default -> p.skipChildren();
                }
            }
        } catch (com.fasterxml.jackson.core.JsonParseException e) {
            return fields; // a non-JSON error page: the status says enough
        }
        return fields;
    }

    private static long number(Map<String, Object> fields, String name) {
        return fields.get(name) instanceof Long l ? l : -1;
    }

    private static void expect(JsonToken actual, JsonToken expected) throws IOException {
        if (actual != expected) {
            throw new IOException("unexpected JSON: " + actual + " where " + expected + " was expected");
        }
    }

    /** Writes one JSON document. */
    @FunctionalInterface
    interface Writer {
        void write(JsonGenerator g) throws IOException;
    }

    /** The bytes of the JSON document {@code writer} writes (node-to-node bodies, in both directions). */
    static byte[] json(Writer writer) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JsonGenerator g = JSON.createGenerator(out)) {
            writer.write(g);
        }
        return out.toByteArray();
    }
}
