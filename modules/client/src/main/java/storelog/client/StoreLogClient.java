package storelog.client;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import storelog.api.DataType;
import storelog.api.PartitionInfo;

/**
 * The Java client of StoreLog's HTTP API (API.md §4): publish, batch, read, range, tail and list
 * partitions, over the JDK's {@code java.net.http} and Jackson.
 *
 * <pre>{@code
 * try (StoreLogClient client = StoreLogClient.create("http://localhost:8080")) {
 *     long offset = client.publish(Map.of("temp", 21.5), DataType.JSON, "sensors");
 *     Reading r = client.read("sensors", offset).asJson(Reading.class);
 * }
 * }</pre>
 *
 * <p><b>Nodes.</b> A client knows one or several node URLs ({@link Builder#node(String)}). Each
 * request goes to the preferred node (at first the first URL, later the last one that answered or
 * the leader a node pointed to), and when that node cannot be connected to, to the next URL in order.
 * A publish is not resent to another node once it may have reached one; a read is.
 *
 * <p><b>Leader following.</b> A 503 naming the leader ({@code leader_http} in its body, or a
 * {@code Location} header) is retried once at the leader, with the scheme of the node that named it
 * ({@code https} stays {@code https}: a hint to plain {@code http} from an {@code https} node is not
 * followed), and the leader becomes the preferred node; a 503 without a usable hint is a
 * {@link StoreLogClientException} with status 503. A read that a node refuses because it is shutting
 * down ({@code shutting_down}) moves on to the next node.
 *
 * <p><b>No cluster secret.</b> {@code CLUSTER_SECRET} is for node-to-node requests only; the client
 * never sends it.
 *
 * <p><b>Errors.</b> Every refusal and transport failure is one unchecked
 * {@link StoreLogClientException} carrying the status and the server's {@code code}. Arguments that
 * cannot be sent (data not fitting its type, an empty batch) are {@link IllegalArgumentException}s
 * before any request.
 *
 * <p>Thread-safe; one client is meant to be shared. {@link #close()} ends its tails and, when the
 * client built its own {@link HttpClient}, its connections.
 */
public final class StoreLogClient implements AutoCloseable {

    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);
    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(30);
    /** How long one long-poll of a tail waits at the server for a new record. */
    public static final Duration DEFAULT_TAIL_WAIT = Duration.ofSeconds(30);
    /** Longest tail wait the server allows ({@code wait_ms}). */
    public static final Duration MAX_TAIL_WAIT = Duration.ofSeconds(60);
    /** Most records one long-poll of a tail fetches. */
    static final int TAIL_BATCH = 1000;

    private final Transport transport;
    private final ObjectMapper mapper;
    private final HttpClient ownHttp;
    private final Duration tailWait;
    private final Set<Tail> tails = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean closed = new AtomicBoolean();

    private StoreLogClient(Builder b, List<URI> nodes) {
        this.mapper = b.objectMapper == null ? new ObjectMapper() : b.objectMapper;
        this.ownHttp = b.httpClient == null
                ? HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(b.connectTimeout).build()
                : null;
        this.tailWait = b.tailWait;
        this.transport = new Transport(b.httpClient == null ? ownHttp : b.httpClient, new Nodes(nodes), b.requestTimeout,
                new ObjectMapper());
    }

    /** A client of the node at {@code baseUrl} (such as {@code http://localhost:8080}) with default settings. */
    public static StoreLogClient create(String baseUrl) {
        return builder().node(baseUrl).build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Publishes one record ({@code POST /publish}).
     *
     * @param data      a JSON value for {@link DataType#JSON}, a {@code byte[]} for
     *                  {@link DataType#BYTES}, a {@code CharSequence} for {@link DataType#STRING}
     *                  (see {@link Entry})
     * @return the record's offset
     * @throws IllegalArgumentException when {@code data} does not fit {@code type} or cannot be written as JSON
     * @throws StoreLogClientException  when the record is refused or no node answers
     */
    public long publish(Object data, DataType type, String partition) {
        Entry entry = Entry.of(data, type);
        ObjectNode body = mapper.createObjectNode();
        entry.writeTo(body);
        body.put("partition_key", Objects.requireNonNull(partition, "partition"));
        return Wire.number(send(Call.post("/publish", write(body))), "offset");
    }

    /**
     * Publishes records at consecutive offsets, all or none ({@code POST /publish/batch}).
     *
     * @param entries the records, at least one (at most 10,000, the server's limit)
     * @return the offset of the first record; the others follow it
     * @throws IllegalArgumentException when {@code entries} is empty or a JSON value cannot be written
     * @throws StoreLogClientException  when the batch is refused (then none of it is stored) or no node answers
     */
    public long publishBatch(String partition, List<Entry> entries) {
        if (entries.isEmpty()) {
            throw new IllegalArgumentException("a batch needs at least one entry");
        }
        ObjectNode body = mapper.createObjectNode();
        body.put("partition_key", Objects.requireNonNull(partition, "partition"));
        ArrayNode records = body.putArray("records");
        for (Entry entry : entries) {
            Objects.requireNonNull(entry, "a batch entry is null").writeTo(records.addObject());
        }
        return Wire.number(send(Call.post("/publish/batch", write(body))), "base_offset");
    }

    /**
     * The record at {@code offset} ({@code GET /read}).
     *
     * @throws StoreLogClientException 404 {@code unknown_partition} or {@code offset_out_of_range}
     *                                 (with {@link StoreLogClientException#nextOffset()}), among others
     */
    public Record read(String partition, long offset) {
        return Wire.record(send(Call.get("/read?" + Wire.partitionParameter(partition) + "&offset=" + offset)), mapper);
    }

    /**
     * Up to {@code max} records from {@code from} on, in order ({@code GET /records}); empty when
     * {@code from} is the partition's end. The server may return fewer (it bounds one answer's bytes).
     *
     * @param max 1 to 10,000
     */
    public List<Record> records(String partition, long from, int max) {
        return Wire.page(send(Call.get(recordsQuery(partition, from, max))), mapper).records();
    }

    /**
     * A tail of {@code partition} from offset {@code from} on: blocks for records as they are
     * published (see {@link Tail} for how it fetches and how it ends). Close it when done.
     */
    public Tail tail(String partition, long from) {
        Objects.requireNonNull(partition, "partition");
        requireOpen();
        Tail tail = new Tail((offset, wait, cancellation) -> {
            Call call = Call.get(recordsQuery(partition, offset, TAIL_BATCH) + "&wait_ms=" + Math.max(1, wait.toMillis()));
            return Wire.page(transport.send(call.with(wait.plus(transport.requestTimeout()), cancellation)), mapper);
        }, from, tailWait, tails::remove);
        tails.add(tail);
        if (closed.get()) {
            tail.close(); // the client closed meanwhile
        }
        return tail;
    }

    /** Every partition in key order, internal ones ({@code __}) included ({@code GET /partitions}). */
    public List<PartitionInfo> partitions() {
        return Wire.partitions(send(Call.get("/partitions")));
    }

    /** Closes every open tail and, when the client built its own {@link HttpClient}, shuts it down. Idempotent. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        for (Tail tail : List.copyOf(tails)) {
            tail.close();
        }
        if (ownHttp != null) {
            ownHttp.shutdownNow();
        }
    }

    private JsonNode send(Call call) {
        requireOpen();
        return transport.send(call);
    }

    private void requireOpen() {
        if (closed.get()) {
            throw new IllegalStateException("the StoreLog client is closed");
        }
    }

    private static String recordsQuery(String partition, long from, int max) {
        return "/records?" + Wire.partitionParameter(partition) + "&offset=" + from + "&max=" + max;
    }

    private byte[] write(ObjectNode body) {
        try {
            return mapper.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("data cannot be written as JSON: " + e.getOriginalMessage(), e);
        }
    }

    /**
     * Builds a {@link StoreLogClient}. At least one node URL is required; everything else has a default.
     */
    public static final class Builder {
        private final List<String> nodes = new ArrayList<>();
        private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;
        private Duration requestTimeout = DEFAULT_REQUEST_TIMEOUT;
        private Duration tailWait = DEFAULT_TAIL_WAIT;
        private HttpClient httpClient;
        private ObjectMapper objectMapper;

        private Builder() {
        }

        /** Adds a node's base URL ({@code http://host:port}, optionally with a path prefix); order matters. */
        public Builder node(String baseUrl) {
            nodes.add(Objects.requireNonNull(baseUrl, "baseUrl"));
            return this;
        }

        /** Adds several nodes' base URLs, in order. */
        public Builder nodes(List<String> baseUrls) {
            baseUrls.forEach(this::node);
            return this;
        }

        /** How long to wait for a connection to a node before trying the next (default 5 s). */
        public Builder connectTimeout(Duration timeout) {
            this.connectTimeout = positive(timeout, "connectTimeout");
            return this;
        }

        /** How long to wait for an answer once connected (default 30 s); a tail's long-poll gets its wait on top. */
        public Builder requestTimeout(Duration timeout) {
            this.requestTimeout = positive(timeout, "requestTimeout");
            return this;
        }

        /** How long one long-poll of a {@link Tail} waits at the server (default 30 s, at most 60 s). */
        public Builder tailWait(Duration wait) {
            if (positive(wait, "tailWait").toMillis() < 1 || wait.compareTo(MAX_TAIL_WAIT) > 0) {
                throw new IllegalArgumentException("tailWait must be from 1 ms to " + MAX_TAIL_WAIT + ", not " + wait);
            }
            this.tailWait = wait;
            return this;
        }

        /**
         * The {@link HttpClient} to send with, instead of one the client builds; its own connect
         * timeout then applies, and {@link StoreLogClient#close()} leaves it open.
         */
        public Builder httpClient(HttpClient client) {
            this.httpClient = Objects.requireNonNull(client, "client");
            return this;
        }

        /** The mapper that writes JSON data and maps it back ({@link Record#asJson(Class)}); default a plain one. */
        public Builder objectMapper(ObjectMapper mapper) {
            this.objectMapper = Objects.requireNonNull(mapper, "mapper");
            return this;
        }

        /**
         * @throws IllegalArgumentException when no node URL is given or one is not an http(s) URL
         */
        public StoreLogClient build() {
            List<URI> uris = new ArrayList<>();
            for (String node : nodes) {
                URI uri = Nodes.parse(node);
                if (!uris.contains(uri)) {
                    uris.add(uri);
                }
            }
            if (uris.isEmpty()) {
                throw new IllegalArgumentException("a StoreLog client needs at least one node URL");
            }
            return new StoreLogClient(this, uris);
        }

        private static Duration positive(Duration d, String name) {
            if (d == null || d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException(name + " must be positive, not " + d);
            }
            return d;
        }
    }
}
