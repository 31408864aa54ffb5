package storelog.cluster;

import com.fasterxml.jackson.core.JsonGenerator;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import storelog.api.EpochStart;
import storelog.api.OffsetMismatchException;
import storelog.api.PartitionKey;
import storelog.api.Record;
import storelog.api.StaleEpochException;
import storelog.api.spi.Leadership;
import storelog.api.spi.Member;
import storelog.api.spi.StorageEngine;
import storelog.core.ClusterView;
import storelog.core.EpochCheck;
import storelog.core.EpochFence;
import storelog.core.GapObservation;
import storelog.core.LogMismatchException;
import storelog.core.LogService;
import storelog.core.ReplicaLog;
import storelog.core.ReplicateFrame;
import storelog.core.WireFormat;

/**
 * A real follower as a leader's {@link PeerClient} sees it: the node-to-node endpoints
 * ({@code /replicate}, {@code /replica/state}, {@code /replica/records}) over real HTTP on loopback,
 * served by a real {@link ReplicaLog} over the given engine, with the answers (and error codes) the
 * server's routes give. Its epoch fence lives in memory (one per fixture, kept while it runs).
 */
final class ReplicaNode implements AutoCloseable {

    private final String nodeId;
    private final ReplicaLog replicas;
    private final WireFormat wire = new WireFormat(WireFormat.DEFAULT_MAX_DEPTH);
    private final HttpServer server;

    ReplicaNode(String nodeId, StorageEngine engine) {
        this.nodeId = nodeId;
        EpochFence fence = EpochFence.inMemory();
        this.replicas = new ReplicaLog(engine, new LogService(engine, Clock.systemUTC()), fence, EpochCheck.BOUNDS,
                follower(nodeId, fence), Clock.systemUTC());
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/replicate", ex -> answer(ex, () -> replicate(
                ReplicateFrame.MEDIA_TYPE.equals(ex.getRequestHeaders().getFirst("Content-Type")), ex.getRequestBody().readAllBytes())));
        server.createContext("/replica/state", ex -> answer(ex, () -> state(ex.getRequestBody().readAllBytes())));
        server.createContext("/replica/records", ex -> answer(ex, () -> records(query(ex))));
        server.createContext("/", ex -> answer(ex, () -> error(Map.of())));
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.start();
    }

    Member member() {
        return new Member(nodeId, "127.0.0.1:" + server.getAddress().getPort(), Map.of());
    }

    /** A push in either body, read as the real follower reads it ({@code NodeRoutes}). */
    private byte[] replicate(boolean binary, byte[] body) throws IOException {
        WireFormat.ReplicaBatch b = binary ? wire.replicateFrame(body) : (WireFormat.ReplicaBatch) wire.replicate(body);
        ReplicaLog.Stored stored = replicas.store(new ReplicaLog.Batch(b.partition(), b.offset(), b.epoch(), b.recordEpoch(),
                b.prevEpoch(), b.leaderNext(), b.committed(), b.epochStart(), b.records()));
        return json(g -> {
            g.writeStartObject();
            g.writeStringField("status", "ok");
            g.writeStringField("node_id", nodeId);
            g.writeNumberField("next_offset", stored.next());
            g.writeNumberField("last_epoch", stored.lastEpoch());
            g.writeEndObject();
        });
    }

    private byte[] state(byte[] body) throws IOException {
        Map<PartitionKey, ReplicaLog.PartitionState> all = replicas.state(wire.epoch(body));
        return json(g -> {
            g.writeStartObject();
            g.writeStringField("node_id", nodeId);
            g.writeObjectFieldStart("partitions");
            for (Map.Entry<PartitionKey, ReplicaLog.PartitionState> e : all.entrySet()) {
                g.writeObjectFieldStart(e.getKey().value());
                g.writeNumberField("next_offset", e.getValue().nextOffset());
                epochs(g, e.getValue().epochs());
                g.writeEndObject();
            }
            g.writeEndObject();
            g.writeEndObject();
        });
    }

    private byte[] records(Map<String, String> query) throws IOException {
        PartitionKey partition = PartitionKey.of(query.get("partition"));
        long offset = Long.parseLong(query.get("offset"));
        List<EpochStart> epochs = replicas.epochs(partition);
        List<Record> records = replicas.stored(partition, offset, Integer.parseInt(query.get("max")));
        return json(g -> {
            g.writeStartObject();
            g.writeArrayFieldStart("records");
            for (Record r : records) {
                g.writeStartObject();
                g.writeNumberField("offset", r.offset());
                g.writeFieldName("data");
                g.writeBinary(r.payload());
                g.writeNumberField("data_type", r.type().code());
                g.writeNumberField("timestamp", r.timestamp());
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeNumberField("next_offset", offset + records.size());
            epochs(g, epochs);
            g.writeEndObject();
        });
    }

    private static void epochs(JsonGenerator g, List<EpochStart> epochs) throws IOException {
        g.writeArrayFieldStart("epochs");
        for (EpochStart e : epochs) {
            g.writeStartArray();
            g.writeNumber(e.epoch());
            g.writeNumber(e.startOffset());
            g.writeEndArray();
        }
        g.writeEndArray();
    }

    @FunctionalInterface
    private interface Body {
        byte[] get() throws IOException;
    }

    private static byte[] json(PeerClient.Writer writer) throws IOException {
        return PeerClient.json(writer);
    }

    /** Sends what {@code body} gives, or the 409 (or 500) the server's error mapping gives for what it throws. */
    private static void answer(HttpExchange ex, Body body) throws IOException {
        int status = 200;
        byte[] bytes;
        try {
            bytes = body.get();
        } catch (StaleEpochException e) {
            status = 409;
            bytes = error(Map.of("code", "stale_epoch", "epoch", e.highest()));
        } catch (OffsetMismatchException e) {
            status = 409;
            bytes = error(Map.of("code", "offset_mismatch", "next_offset", e.nextOffset()));
        } catch (LogMismatchException e) {
            status = 409;
            bytes = error(Map.of("code", "log_mismatch", "next_offset", e.nextOffset(), "follower_epoch", e.epoch(),
                    "follower_epoch_start", e.epochStart()));
        } catch (RuntimeException e) {
            status = 500;
            bytes = error(Map.of("code", "internal"));
        }
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(status, bytes.length);
        ex.getResponseBody().write(bytes);
        ex.close();
    }

    /** A flat JSON object of strings and numbers. */
    private static byte[] error(Map<String, Object> fields) throws IOException {
        return json(g -> {
            g.writeStartObject();
            for (Map.Entry<String, Object> f : fields.entrySet()) {
                if (f.getValue() instanceof Long n) {
                    g.writeNumberField(f.getKey(), n);
                } else {
                    g.writeStringField(f.getKey(), f.getValue().toString());
                }
            }
            g.writeEndObject();
        });
    }

    private static Map<String, String> query(HttpExchange ex) {
        Map<String, String> query = new HashMap<>();
        for (String pair : ex.getRequestURI().getRawQuery().split("&")) {
            int eq = pair.indexOf('=');
            query.put(pair.substring(0, eq), URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return query;
    }

    private static ClusterView follower(String nodeId, EpochFence fence) {
        return new ClusterView() {
            @Override
            public boolean clustered() {
                return true;
            }

            @Override
            public String nodeId() {
                return nodeId;
            }

            @Override
            public Leadership leadership() {
                return new Leadership(Leadership.Role.FOLLOWER, Optional.of("leader"), fence.highest());
            }

            @Override
            public Optional<String> leaderHttp() {
                return Optional.empty();
            }

            @Override
            public String elector() {
                return "test";
            }

            @Override
            public List<Member> members() {
                return List.of();
            }

            @Override
            public List<GapObservation> gaps() {
                return List.of();
            }
        };
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
