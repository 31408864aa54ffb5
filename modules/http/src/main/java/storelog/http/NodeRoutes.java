package storelog.http;

import com.fasterxml.jackson.core.JsonGenerator;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.io.IOException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Map;
import storelog.api.EpochStart;
import storelog.api.PartitionInfo;
import storelog.api.PartitionKey;
import storelog.api.Record;
import storelog.api.spi.Leadership;
import storelog.api.spi.Member;
import storelog.core.ClusterView;
import storelog.core.GapObservation;
import storelog.core.LogService;
import storelog.core.NotAFollowerException;
import storelog.core.ReplicaLog;
import storelog.core.ReplicateFrame;
import storelog.core.PluginsInUse;
import storelog.core.WireFormat;

/**
 * {@code GET /status}, {@code GET /gaps}, and the node-to-node endpoints: {@code POST /replicate}
 * (a leader's records), {@code POST /replica/state} (a new leader fences and asks what this node
 * holds) and {@code GET /replica/records} (a new leader takes records it lacks).
 */
final class NodeRoutes {

    private final LogService log;
    private final ReplicaLog replicas;
    private final ClusterView cluster;
    private final PluginsInUse plugins;
    private final WireFormat wire;
    private final HttpLimits limits;
    private final ClusterSecret secret;

    NodeRoutes(LogService log, ReplicaLog replicas, ClusterView cluster, PluginsInUse plugins, WireFormat wire, HttpLimits limits,
               ClusterSecret secret) {
        this.log = log;
        this.replicas = replicas;
        this.cluster = cluster;
        this.plugins = plugins;
        this.wire = wire;
        this.limits = limits;
        this.secret = secret;
    }

    void register(HttpRules rules) {
        rules.get("/status", this::status);
        rules.get("/gaps", this::gaps);
        rules.post("/replicate", this::replicate);
        rules.post("/replica/state", this::state);
        rules.get("/replica/records", this::replicaRecords);
        MethodNotAllowed.register(rules, "/status", "GET");
        MethodNotAllowed.register(rules, "/gaps", "GET");
        MethodNotAllowed.register(rules, "/replicate", "POST");
        MethodNotAllowed.register(rules, "/replica/state", "POST");
        MethodNotAllowed.register(rules, "/replica/records", "GET");
    }

    private void status(ServerRequest req, ServerResponse res) {
        Leadership leadership = cluster.leadership();
        List<PartitionInfo> partitions = log.partitions();
        Json.send(res, Status.OK_200, json -> {
            json.writeStartObject();
            json.writeStringField("node_id", cluster.nodeId());
            json.writeStringField("role", leadership.role().name().toLowerCase(Locale.ROOT));
            writeOptional(json, "leader_id", leadership.leaderId());
            writeOptional(json, "leader_http", cluster.leaderHttp());
            json.writeNumberField("epoch", leadership.epoch());
            json.writeStringField("elector", cluster.elector());
            if (cluster.catchingUp()) {
                json.writeBooleanField("catching_up", true);
            }
            if (cluster.clustered() && leadership.role() != Leadership.Role.LEADER) {
                json.writeObjectFieldStart("lag");
                json.writeNumberField("records", replicas.lagRecords());
                json.writeNumberField("ms", replicas.lagMillis());
                json.writeEndObject();
            }
            List<ReplicaLog.Truncation> cut = replicas.truncations();
            if (!cut.isEmpty()) {
                json.writeArrayFieldStart("truncated");
                for (ReplicaLog.Truncation t : cut) {
                    json.writeStartObject();
                    json.writeStringField("partition", t.partition().value());
                    json.writeNumberField("from", t.from());
                    json.writeNumberField("count", t.count());
                    json.writeNumberField("time", t.time());
                    json.writeEndObject();
                }
                json.writeEndArray();
            }
            json.writeArrayFieldStart("members");
            for (Member m : cluster.members()) {
                json.writeStartObject();
                json.writeStringField("node_id", m.nodeId());
                json.writeStringField("http", m.http());
                json.writeEndObject();
            }
            json.writeEndArray();
            json.writeObjectFieldStart("plugins");
            json.writeStringField("storage", plugins.storage());
            json.writeStringField("connector", plugins.connector());
            json.writeStringField("elector", plugins.elector());
            json.writeArrayFieldStart("discovery");
            for (String d : plugins.discovery()) {
                json.writeString(d);
            }
            json.writeEndArray();
            json.writeEndObject();
            json.writeObjectFieldStart("partitions");
            for (PartitionInfo p : partitions) {
                json.writeObjectFieldStart(p.partition().value());
                json.writeNumberField("next_offset", p.nextOffset());
                json.writeNumberField("segments", p.segments());
                json.writeNumberField("bytes", p.bytes());
                json.writeEndObject();
            }
            json.writeEndObject();
            json.writeEndObject();
        });
    }

    private static void writeOptional(JsonGenerator json, String field, Optional<String> value) throws IOException {
        if (value.isPresent()) {
            json.writeStringField(field, value.get());
        } else {
            json.writeNullField(field);
        }
    }

    private void gaps(ServerRequest req, ServerResponse res) {
        List<GapObservation> gaps = cluster.gaps();
        Json.send(res, Status.OK_200, json -> {
            json.writeStartArray();
            for (GapObservation g : gaps) {
                json.writeStartObject();
                json.writeStringField("node", g.node());
                json.writeStringField("partition", g.partition().value());
                json.writeNumberField("leader_offset", g.leaderOffset());
                json.writeNumberField("follower_offset", g.followerOffset());
                json.writeNumberField("gap", g.gap());
                json.writeNumberField("time", g.time());
                json.writeEndObject();
            }
            json.writeEndArray();
        });
    }

    /**
     * Only a member may send records, and only a follower stores them: a standalone node refuses
     * outright, a clustered one checks the secret, then the epoch and its role ({@link ReplicaLog}).
     * The leader's push comes as {@link ReplicateFrame} or as JSON's offset-carrying form; both are
     * decoded whole before anything is stored. GoStoreLog's form appends at the next offset as epoch 0,
     * never to an internal partition nor to one a leader's epoch wrote ({@link ReplicaLog#appendUnnumbered}).
     */
    private void replicate(ServerRequest req, ServerResponse res) {
        requireMember(req, "/replicate");
        if (Requests.hasType(req, ReplicateFrame.MEDIA_TYPE)) {
            store(res, wire.replicateFrame(Requests.body(req, limits)));
            return;
        }
        Object parsed = wire.replicate(Requests.jsonBody(req, limits));
        if (parsed instanceof WireFormat.ReplicaBatch batch) {
            store(res, batch);
            return;
        }
        Leadership.Role role = cluster.leadership().role();
        if (role != Leadership.Role.FOLLOWER) {
            throw new NotAFollowerException("this node is a " + role.name().toLowerCase(Locale.ROOT)
                    + ", not a follower; only followers accept /replicate");
        }
        WireFormat.PublishMessage message = (WireFormat.PublishMessage) parsed;
        long offset = replicas.appendUnnumbered(message.partition(), message.payload());
        Json.send(res, Status.OK_200, json -> {
            json.writeStartObject();
            json.writeStringField("status", "ok");
            json.writeStringField("partition_key", message.partition().value());
            json.writeNumberField("offset", offset);
            json.writeEndObject();
        });
    }

    /** Stores a leader's push, whichever body it came in, and answers where the partition ends. */
    private void store(ServerResponse res, WireFormat.ReplicaBatch batch) {
        ReplicaLog.Stored stored = replicas.store(new ReplicaLog.Batch(batch.partition(), batch.offset(), batch.epoch(),
                batch.recordEpoch(), batch.prevEpoch(), batch.leaderNext(), batch.committed(), batch.epochStart(),
                batch.records()));
        Json.send(res, Status.OK_200, json -> {
            json.writeStartObject();
            json.writeStringField("status", "ok");
            json.writeStringField("node_id", cluster.nodeId()); // the leader checks it is the member it meant
            json.writeStringField("partition_key", batch.partition().value());
            json.writeNumberField("next_offset", stored.next());
            json.writeNumberField("last_epoch", stored.lastEpoch()); // the leader's: it holds the leader's epoch start
            json.writeEndObject();
        });
    }

    /** {@code POST /replica/state {"epoch": e}}: fences with {@code e}, answers every partition's next offset and epochs. */
    private void state(ServerRequest req, ServerResponse res) {
        requireMember(req, "/replica/state");
        long epoch = wire.epoch(Requests.jsonBody(req, limits));
        Map<PartitionKey, ReplicaLog.PartitionState> all = replicas.state(epoch);
        Json.send(res, Status.OK_200, json -> {
            json.writeStartObject();
            json.writeStringField("node_id", cluster.nodeId());
            json.writeNumberField("epoch", replicas.highestEpoch());
            json.writeObjectFieldStart("partitions");
            for (Map.Entry<PartitionKey, ReplicaLog.PartitionState> e : all.entrySet()) {
                json.writeObjectFieldStart(e.getKey().value());
                json.writeNumberField("next_offset", e.getValue().nextOffset());
                writeEpochs(json, e.getValue().epochs());
                json.writeEndObject();
            }
            json.writeEndObject();
            json.writeEndObject();
        });
    }

    /** {@code GET /replica/records?partition=&offset=&max=}: stored records (any partition) with the partition's epochs. */
    private void replicaRecords(ServerRequest req, ServerResponse res) {
        requireMember(req, "/replica/records");
        PartitionKey partition = PartitionKey.of(Requests.required(req, "partition"));
        long offset = Requests.number(req, "offset", 0, 0, Long.MAX_VALUE);
        int max = (int) Requests.number(req, "max", LogService.MAX_READ_RECORDS, 1, LogService.MAX_READ_RECORDS);
        List<EpochStart> epochs = replicas.epochs(partition);
        List<Record> records = replicas.stored(partition, offset, max);
        Json.send(res, Status.OK_200, json -> {
            json.writeStartObject();
            json.writeArrayFieldStart("records");
            for (Record r : records) {
                RecordJson.write(json, r);
            }
            json.writeEndArray();
            json.writeNumberField("next_offset", offset + records.size());
            writeEpochs(json, epochs);
            json.writeEndObject();
        });
    }

    private static void writeEpochs(JsonGenerator json, List<EpochStart> epochs) throws IOException {
        json.writeArrayFieldStart("epochs");
        for (EpochStart e : epochs) {
            json.writeStartArray();
            json.writeNumber(e.epoch());
            json.writeNumber(e.startOffset());
            json.writeEndArray();
        }
        json.writeEndArray();
    }

    private void requireMember(ServerRequest req, String endpoint) {
        if (!cluster.clustered()) {
            throw new NotAFollowerException("this node runs without a cluster; " + endpoint + " is for the members of one");
        }
        secret.check(req);
    }
}
