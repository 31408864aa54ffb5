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
import storelog.api.PartitionInfo;
import storelog.api.spi.Leadership;
import storelog.api.spi.Member;
import storelog.core.ClusterView;
import storelog.core.GapObservation;
import storelog.core.LogService;
import storelog.core.PluginsInUse;
import storelog.core.WireFormat;

/** {@code GET /status}, {@code GET /gaps} and {@code POST /replicate}: what nodes ask each other. */
final class NodeRoutes {

    private final LogService log;
    private final ClusterView cluster;
    private final PluginsInUse plugins;
    private final WireFormat wire;
    private final HttpLimits limits;
    private final ClusterSecret secret;

    NodeRoutes(LogService log, ClusterView cluster, PluginsInUse plugins, WireFormat wire, HttpLimits limits, ClusterSecret secret) {
        this.log = log;
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
        MethodNotAllowed.register(rules, "/status", "GET");
        MethodNotAllowed.register(rules, "/gaps", "GET");
        MethodNotAllowed.register(rules, "/replicate", "POST");
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
     * Only a follower stores what a leader sends, and only a member may send it: a standalone node
     * refuses outright, a clustered one checks the secret, then its role. Epochs and reserved
     * partitions are the log's rules ({@link LogService#appendReplicas}).
     */
    private void replicate(ServerRequest req, ServerResponse res) {
        if (!cluster.clustered()) {
            throw new NotAFollowerException("this node runs without a cluster; /replicate is for the followers of one");
        }
        secret.check(req);
        Leadership.Role role = cluster.leadership().role();
        if (role != Leadership.Role.FOLLOWER) {
            throw new NotAFollowerException("this node is a " + role.name().toLowerCase(Locale.ROOT)
                    + ", not a follower; only followers accept /replicate");
        }
        Object parsed = wire.replicate(Requests.jsonBody(req, limits));
        if (parsed instanceof WireFormat.ReplicaBatch batch) {
            long next = log.appendReplicas(batch.partition(), batch.offset(), batch.epoch(), batch.records());
            Json.send(res, Status.OK_200, json -> {
                json.writeStartObject();
                json.writeStringField("status", "ok");
                json.writeStringField("partition_key", batch.partition().value());
                json.writeNumberField("next_offset", next);
                json.writeEndObject();
            });
            return;
        }
        WireFormat.PublishMessage message = (WireFormat.PublishMessage) parsed;
        long offset = log.appendReplica(message.partition(), message.payload());
        Json.send(res, Status.OK_200, json -> {
            json.writeStartObject();
            json.writeStringField("status", "ok");
            json.writeStringField("partition_key", message.partition().value());
            json.writeNumberField("offset", offset);
            json.writeEndObject();
        });
    }
}
