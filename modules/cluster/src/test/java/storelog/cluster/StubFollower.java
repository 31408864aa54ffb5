package storelog.cluster;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import storelog.api.NewRecord;
import storelog.api.Record;
import storelog.api.spi.Member;
import storelog.core.ReplicaPush;
import storelog.core.ReplicateFrame;
import storelog.core.WireFormat;

/**
 * A follower as a leader's {@link PeerClient} sees it, over real HTTP on loopback: each node-to-node
 * endpoint answers what the test says; the bodies of {@code /replicate} are kept. Everything else
 * (the idle ping) answers 200. Requests are served concurrently (a virtual thread each), so an
 * answer may wait for other requests, as a follower's pipelined requests do.
 */
final class StubFollower implements AutoCloseable {

    /** An answer: status and JSON body. */
    record Answer(int status, String body) {
    }

    private final HttpServer server;
    private final List<String> pushes = new CopyOnWriteArrayList<>();
    private final List<String> contentTypes = new CopyOnWriteArrayList<>();
    /** Whether it reads binary pushes; one that does not answers them {@link #refusal}. */
    volatile boolean readsBinary = true;
    /** Its answer to a binary push when it does not read them. */
    volatile Answer refusal = new Answer(415, "{\"code\":\"unsupported_media_type\"}");
    volatile Function<Integer, Answer> state = n -> new Answer(200, "{\"partitions\":{}}");
    volatile Function<Integer, Answer> records = n -> new Answer(200, "{\"records\":[],\"epochs\":[]}");
    volatile Function<String, Answer> replicate = body -> new Answer(200, "{\"status\":\"ok\",\"next_offset\":0}");

    StubFollower() {
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        AtomicInteger[] asked = {new AtomicInteger(), new AtomicInteger()};
        server.createContext("/replica/state", ex -> answer(ex, state.apply(asked[0].incrementAndGet())));
        server.createContext("/replica/records", ex -> answer(ex, records.apply(asked[1].incrementAndGet())));
        server.createContext("/replicate", ex -> {
            String type = ex.getRequestHeaders().getFirst("Content-Type");
            contentTypes.add(type);
            byte[] bytes = ex.getRequestBody().readAllBytes();
            boolean binary = ReplicateFrame.MEDIA_TYPE.equals(type);
            if (binary && !readsBinary) {
                answer(ex, refusal);
                return;
            }
            String body = binary ? asJson(bytes) : new String(bytes, StandardCharsets.UTF_8);
            pushes.add(body);
            answer(ex, replicate.apply(body));
        });
        server.createContext("/", ex -> answer(ex, new Answer(200, "{}")));
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.start();
    }

    private static final java.util.regex.Pattern OFFSET = java.util.regex.Pattern.compile("\"offset\":(\\d+)");

    /** The first offset of a pushed {@code /replicate} body (-1 when it has none). */
    static long offsetOf(String body) {
        java.util.regex.Matcher m = OFFSET.matcher(body);
        return m.find() ? Long.parseLong(m.group(1)) : -1;
    }

    /** How many records a pushed {@code /replicate} body carries. */
    static int recordsIn(String body) {
        return body.split("\"data_type\"", -1).length - 1;
    }

    /** A follower's 200 to a push: it holds the partition up to {@code next}. */
    static Answer ok(long next) {
        return new Answer(200, "{\"status\":\"ok\",\"node_id\":\"b\",\"next_offset\":" + next + "}");
    }

    Member member(String nodeId) {
        return new Member(nodeId, "127.0.0.1:" + server.getAddress().getPort(), Map.of());
    }

    /**
     * A binary push as the JSON body of the same push, so that tests read every push alike; decoding it
     * checks it as a follower does.
     */
    private static String asJson(byte[] frame) {
        WireFormat.ReplicaBatch b = new WireFormat(WireFormat.DEFAULT_MAX_DEPTH).replicateFrame(frame);
        List<Record> records = new ArrayList<>();
        for (NewRecord r : b.records()) {
            records.add(new Record(b.partition(), b.offset() + records.size(), r.type(), r.payload(), r.timestamp()));
        }
        return new String(WireFormat.replicateJson(new ReplicaPush(b.partition(), b.offset(), b.epoch(), b.recordEpoch(),
                b.prevEpoch(), b.leaderNext(), b.committed(), b.epochStart(), records)), StandardCharsets.UTF_8);
    }

    /** The content types of the {@code /replicate} requests so far, in order, refused ones included. */
    List<String> contentTypes() {
        return List.copyOf(contentTypes);
    }

    /** The bodies of the {@code /replicate} requests it took so far, in order (binary ones as their JSON form). */
    List<String> pushes() {
        return List.copyOf(pushes);
    }

    private static void answer(HttpExchange ex, Answer answer) throws IOException {
        ex.getRequestBody().readAllBytes();
        byte[] bytes = answer.body().getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(answer.status(), bytes.length);
        ex.getResponseBody().write(bytes);
        ex.close();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
