package storelog.core;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import storelog.api.DataType;
import storelog.api.InvalidRecordException;
import storelog.api.NewRecord;
import storelog.api.PartitionKey;
import storelog.api.Record;

/**
 * GoStoreLog's JSON wire format and StoreLog's extensions to it, parsed in one streaming pass:
 * <pre>
 * publish (and connector message, and /replicate's GoStoreLog form):
 *   {"data": &lt;value&gt;, "data_type": 0|1|2, "partition_key": "&lt;key&gt;"}
 * batch:
 *   {"partition_key": "&lt;key&gt;", "records": [{"data": &lt;value&gt;, "data_type": t}, ...]}
 * replicate, offset-carrying form (node to node; data is base64 of the stored bytes):
 *   {"partition_key": k, "offset": n, "epoch": e, "record_epoch": r, "prev_epoch": p, "leader_next_offset": l,
 *    "leader_committed_offset": c, "epoch_start": s, "records": [{"data": "&lt;base64&gt;", "data_type": t, "timestamp": ms}, ...]}
 *   (epoch: the sending leader's; record_epoch: the records' own, default epoch; prev_epoch: the epoch of the
 *    leader's record before offset, default unchecked; leader_next_offset: the leader's end, default unknown;
 *    leader_committed_offset: the leader's committed end (its read fence), default unknown; epoch_start: where
 *    the sending leader's epoch starts in the partition, default not given)
 * replica state request (node to node):
 *   {"epoch": e}
 * </pre>
 * Unknown fields are ignored (GoStoreLog's decoder did the same); a missing {@code data_type} means 0,
 * as it did in GoStoreLog. Nesting deeper than the configured depth is refused before it costs
 * anything. Thread-safe (immutable).
 */
public final class WireFormat {

    /** Default deepest JSON nesting accepted in a request. */
    public static final int DEFAULT_MAX_DEPTH = 64;

    /** Writes the bodies this node sends; reading has its own factory, held to the request limits. */
    private static final JsonFactory WRITER = new JsonFactory();

    private final JsonFactory factory;

    public WireFormat(int maxDepth) {
        this(StreamReadConstraints.builder().maxNestingDepth(maxDepth).build());
    }

    /** A wire format held to {@code constraints} (tests use small ones). */
    WireFormat(StreamReadConstraints constraints) {
        this.factory = JsonFactory.builder().streamReadConstraints(constraints).build();
    }

    /** A parsed publish message. */
    public record PublishMessage(PartitionKey partition, Payload payload) {
    }

    /** A parsed batch. */
    public record BatchMessage(PartitionKey partition, List<Payload> payloads) {
    }

    /**
     * A parsed offset-carrying replication request.
     *
     * @param recordEpoch the records' epoch ({@code record_epoch}, default {@code epoch})
     * @param prevEpoch   {@code prev_epoch}, or -1 when not given (not checked)
     * @param leaderNext  {@code leader_next_offset}, or -1 when not given
     * @param committed   {@code leader_committed_offset}, or -1 when not given
     * @param epochStart  {@code epoch_start}, or -1 when not given
     */
    public record ReplicaBatch(PartitionKey partition, long offset, long epoch, long recordEpoch, long prevEpoch,
                               long leaderNext, long committed, long epochStart, List<NewRecord> records) {
    }

    /** The body of {@code /publish} or a connector message. */
    public PublishMessage publish(byte[] json) {
        return parse(json, parser -> {
            Fields f = fields(parser, false);
            return f.publishMessage();
        });
    }

    /** The body of {@code /publish/batch}. */
    public BatchMessage batch(byte[] json) {
        return parse(json, parser -> {
            Fields f = fields(parser, false);
            if (f.records == null) {
                throw missing("records");
            }
            return new BatchMessage(f.partition(), f.payloads);
        });
    }

    /**
     * The body of {@code /replicate}: either GoStoreLog's form (a {@link PublishMessage}) or the
     * offset-carrying form (a {@link ReplicaBatch}), told apart by the {@code offset} field.
     */
    public Object replicate(byte[] json) {
        return parse(json, parser -> {
            Fields f = fields(parser, true);
            if (f.offset == null) {
                return f.publishMessage();
            }
            if (f.replicas == null) {
                throw missing("records");
            }
            long epoch = f.epoch == null ? 0 : f.epoch;
            return new ReplicaBatch(f.partition(), f.offset, epoch, f.recordEpoch == null ? epoch : f.recordEpoch,
                    f.prevEpoch == null ? -1 : f.prevEpoch, f.leaderNext == null ? -1 : f.leaderNext,
                    f.committed == null ? -1 : f.committed, f.epochStart == null ? -1 : f.epochStart, f.replicas);
        });
    }

    /**
     * The binary body of {@code /replicate} ({@link ReplicateFrame#MEDIA_TYPE}), checked whole; decodes to what
     * the JSON offset-carrying form of the same push decodes to.
     */
    public ReplicaBatch replicateFrame(byte[] body) {
        return ReplicateFrame.decode(body);
    }

    /**
     * The JSON body of {@code push}, the offset-carrying form above ({@code epoch_start} left out when not
     * above 0): what a leader sends a follower that does not read {@link ReplicateFrame}.
     */
    public static byte[] replicateJson(ReplicaPush push) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256 + push.records().size() * 64);
        try (JsonGenerator g = WRITER.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("partition_key", push.partition().value());
            g.writeNumberField("offset", push.offset());
            g.writeNumberField("epoch", push.epoch());
            g.writeNumberField("record_epoch", push.recordEpoch());
            g.writeNumberField("prev_epoch", push.prevEpoch());
            g.writeNumberField("leader_next_offset", push.leaderNext());
            g.writeNumberField("leader_committed_offset", push.committed());
            if (push.epochStart() > 0) {
                g.writeNumberField("epoch_start", push.epochStart());
            }
            g.writeArrayFieldStart("records");
            for (Record r : push.records()) {
                g.writeStartObject();
                g.writeFieldName("data");
                g.writeBinary(r.payload());
                g.writeNumberField("data_type", r.type().code());
                g.writeNumberField("timestamp", r.timestamp());
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException("writing to memory failed", e);
        }
        return out.toByteArray();
    }

    /** The epoch of a {@code /replica/state} request. */
    public long epoch(byte[] json) {
        return parse(json, parser -> {
            Fields f = fields(parser, false);
            if (f.epoch == null) {
                throw missing("epoch");
            }
            return f.epoch;
        });
    }

    @FunctionalInterface
    private interface Body<T> {
        T read(JsonParser parser) throws IOException;
    }

    private <T> T parse(byte[] json, Body<T> body) {
        try (JsonParser parser = factory.createParser(json)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw new BadRequestException("invalid_json", "the body must be a JSON object");
            }
            T result = body.read(parser);
            if (parser.nextToken() != null) {
                throw new BadRequestException("invalid_json", "unexpected data after the JSON object");
            }
            return result;
        } catch (StreamConstraintsException e) {
            throw JsonLimits.exceeded(e, factory.streamReadConstraints());
        } catch (IOException e) {
            throw new BadRequestException("invalid_json", "the body is not valid JSON: " + firstLine(e.getMessage()));
        }
    }

    /** The fields of one object; the parser is on its START_OBJECT and ends on its END_OBJECT. */
    private Fields fields(JsonParser parser, boolean replica) throws IOException {
        Fields f = new Fields();
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String name = parser.currentName();
            JsonToken value = parser.nextToken();
            switch (name) {
                case "data" -> f.data = WireData.capture(parser, factory);
                case "data_type" -> f.dataType = integer(parser, name);
                case "partition_key" -> f.key = string(parser, name);
                case "offset" -> f.offset = longValue(parser, name);
                case "epoch" -> f.epoch = longValue(parser, name);
                case "record_epoch" -> f.recordEpoch = longValue(parser, name);
                case "prev_epoch" -> f.prevEpoch = longValue(parser, name);
                case "leader_next_offset" -> f.leaderNext = longValue(parser, name);
                case "leader_committed_offset" -> f.committed = longValue(parser, name);
                case "epoch_start" -> f.epochStart = longValue(parser, name);
                case "timestamp" -> f.timestamp = longValue(parser, name);
                case "records" -> {
                    if (value != JsonToken.START_ARRAY) {
                        throw wrongType("records", "an array");
                    }
                    readRecords(parser, f, replica);
                }
                default -> parser.skipChildren();
            }
        }
        return f;
    }

    /** The records of a batch, parsed no further than {@link LogService#MAX_BATCH_RECORDS}: one more ends the parse. */
    private void readRecords(JsonParser parser, Fields f, boolean replica) throws IOException {
        f.records = new ArrayList<>();
        while (parser.nextToken() != JsonToken.END_ARRAY) {
            if (f.records.size() == LogService.MAX_BATCH_RECORDS) {
                throw new InvalidRecordException("a batch holds at most " + LogService.MAX_BATCH_RECORDS + " records, this one more");
            }
            if (parser.currentToken() != JsonToken.START_OBJECT) {
                throw wrongType("records[" + f.records.size() + "]", "an object");
            }
            f.records.add(fields(parser, false));
        }
        f.payloads = new ArrayList<>(f.records.size());
        f.replicas = replica ? new ArrayList<>(f.records.size()) : null;
        for (int i = 0; i < f.records.size(); i++) {
            Fields r = f.records.get(i);
            try {
                if (replica) {
                    f.replicas.add(r.storedRecord());
                } else {
                    f.payloads.add(r.payload());
                }
            } catch (InvalidRecordException | BadRequestException e) {
                throw new InvalidRecordException("record " + i + ": " + e.getMessage());
            }
        }
    }

    private static int integer(JsonParser parser, String name) throws IOException {
        if (parser.currentToken() != JsonToken.VALUE_NUMBER_INT || parser.getNumberType() != JsonParser.NumberType.INT) {
            throw wrongType(name, "a whole number");
        }
        return parser.getIntValue();
    }

    private static long longValue(JsonParser parser, String name) throws IOException {
        if (parser.currentToken() != JsonToken.VALUE_NUMBER_INT || parser.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
            throw wrongType(name, "a whole number");
        }
        return parser.getLongValue();
    }

    private static String string(JsonParser parser, String name) throws IOException {
        if (parser.currentToken() != JsonToken.VALUE_STRING) {
            throw wrongType(name, "a string");
        }
        return parser.getText();
    }

    private static BadRequestException wrongType(String field, String expected) {
        return new BadRequestException("invalid_field", "\"" + field + "\" must be " + expected);
    }

    private static BadRequestException missing(String field) {
        return new BadRequestException("missing_field", "\"" + field + "\" is required");
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "unreadable";
        }
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }

    /** The fields seen in one object. */
    private static final class Fields {
        WireData data;
        Integer dataType;
        String key;
        Long offset;
        Long epoch;
        Long recordEpoch;
        Long prevEpoch;
        Long leaderNext;
        Long committed;
        Long epochStart;
        Long timestamp;
        List<Fields> records;
        List<Payload> payloads;
        List<NewRecord> replicas;

        PartitionKey partition() {
            if (key == null) {
                throw missing("partition_key");
            }
            return PartitionKey.of(key);
        }

        Payload payload() {
            if (data == null) {
                throw missing("data");
            }
            return data.toPayload(DataType.fromCode(dataType == null ? 0 : dataType));
        }

        /** A replicated record: data is base64 of the exact stored bytes, the timestamp is the leader's. */
        NewRecord storedRecord() {
            if (data == null || data.text() == null) {
                throw new InvalidRecordException("data must be base64 of the stored bytes");
            }
            byte[] stored;
            try {
                stored = Base64.getDecoder().decode(data.text());
            } catch (IllegalArgumentException e) {
                throw new InvalidRecordException("data is not valid base64: " + e.getMessage());
            }
            return new NewRecord(DataType.fromCode(dataType == null ? 0 : dataType), stored, timestamp == null ? 0 : timestamp);
        }

        PublishMessage publishMessage() {
            return new PublishMessage(partition(), payload());
        }
    }
}
