package storelog.http;

import static org.assertj.core.api.Assertions.assertThat;
import static storelog.http.TestServer.json;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import java.util.function.UnaryOperator;
import java.util.zip.CRC32C;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import storelog.api.DataType;
import storelog.api.PartitionKey;
import storelog.api.Record;
import storelog.core.ReplicaPush;
import storelog.core.ReplicateFrame;
import storelog.core.WireFormat;
import storelog.testkit.TestData;

/**
 * {@code POST /replicate} with the binary body on a real follower: it stores what the JSON body
 * stores, byte for byte, with the same checks; every malformed body is a 400 with its own code and
 * leaves nothing stored.
 */
class BinaryReplicateEndpointTest {

    private static final String SECRET = ReplicateEndpointTest.SECRET;
    private static final PartitionKey P = PartitionKey.of("rep");
    /** Where the record count sits in a push to {@link #P}: version, key length, key, seven numbers. */
    private static final int COUNT_AT = 1 + 2 + 3 + 7 * Long.BYTES;

    private TestServer server;

    @BeforeEach
    void start(TestInfo test) {
        server = TestServer.builder(TestData.directory(test)).cluster(FollowerView::new).secret(SECRET)
                .limits(HttpLimits.defaults().withMaxBodyBytes(64 * 1024)).start();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private HttpResponse<String> send(String contentType, byte[] body, String secret) {
        HttpRequest.Builder request = HttpRequest.newBuilder(server.uri("/replicate")).header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (secret != null) {
            request.header("X-Cluster-Secret", secret);
        }
        return server.send(request.build());
    }

    private HttpResponse<String> binary(byte[] body) {
        return send(ReplicateFrame.MEDIA_TYPE, body, SECRET);
    }

    private static Record record(DataType type, String payload, long timestamp) {
        return new Record(P, 0, type, payload.getBytes(StandardCharsets.UTF_8), timestamp);
    }

    private static ReplicaPush push(PartitionKey partition, long offset, long epoch, List<Record> records) {
        return new ReplicaPush(partition, offset, epoch, epoch, -1, -1, -1, 0, records);
    }

    /** Three good records: a bad body built from it must not leave the first ones stored. */
    private static byte[] threeRecords() {
        return ReplicateFrame.encode(push(P, 0, 1, List.of(record(DataType.JSON, "{\"a\":1}", 1),
                record(DataType.STRING, "two", 2), record(DataType.BYTES, "3", 3))));
    }

    /** {@code body} changed by {@code change}, with its CRC computed again so that another check refuses it. */
    private static byte[] resealed(byte[] body, UnaryOperator<byte[]> change) {
        byte[] changed = change.apply(body.clone());
        CRC32C crc = new CRC32C();
        crc.update(changed, 0, changed.length - 4);
        ByteBuffer.wrap(changed).putInt(changed.length - 4, (int) crc.getValue());
        return changed;
    }

    private static byte[] at(byte[] body, int index, int value) {
        ByteBuffer.wrap(body).putInt(index, value);
        return body;
    }

    static Stream<Arguments> malformed() {
        byte[] good = threeRecords();
        int lastType = good.length - 4 - 1 - 4 - 8 - 1; // the third record: type, timestamp, length, one byte
        return Stream.of(
                Arguments.of("truncated_body", Arrays.copyOf(good, 20)),
                Arguments.of("bad_crc", flip(good, 30)),
                Arguments.of("bad_crc", Arrays.copyOf(good, good.length - 1)),
                Arguments.of("unsupported_version", resealed(good, b -> { b[0] = 9; return b; })),
                Arguments.of("count_mismatch", resealed(good, b -> at(b, COUNT_AT, 1000))),
                Arguments.of("too_many_records", resealed(good, b -> at(b, COUNT_AT, 10_001))),
                Arguments.of("trailing_bytes", resealed(good, b -> at(b, COUNT_AT, 2))),
                Arguments.of("length_mismatch", resealed(good, b -> at(b, COUNT_AT + 4 + 1 + 8, 1 << 20))),
                Arguments.of("invalid_partition_key", resealed(good, b -> { b[3] = (byte) 0xc0; return b; })),
                Arguments.of("invalid_partition_key", resealed(good, b -> { b[1] = 1; return b; })),
                Arguments.of("invalid_record", resealed(good, b -> { b[lastType] = 7; return b; })),
                Arguments.of("invalid_record", resealed(good, b -> { b[lastType] = (byte) DataType.JSON.code(); b[b.length - 5] = '{';
                    return b; })));
    }

    private static byte[] flip(byte[] body, int bit) {
        byte[] flipped = body.clone();
        flipped[bit / 8] ^= (byte) (1 << (bit % 8));
        return flipped;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformed")
    void everyMalformedBodyIs400WithItsCodeAndStoresNothing(String code, byte[] body) {
        HttpResponse<String> response = binary(body);

        assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
        assertThat(json(response).get("code").asText()).isEqualTo(code);
        assertThat(server.engine.partitions()).as("nothing of a bad body is stored").isEmpty();
    }

    @Test
    void aBodyOverTheLimitIs413AndStoresNothing() {
        byte[] large = new byte[70 * 1024];
        HttpResponse<String> response = binary(ReplicateFrame.encode(push(P, 0, 1, List.of(new Record(P, 0, DataType.BYTES, large, 1)))));

        assertThat(response.statusCode()).isEqualTo(413);
        assertThat(server.engine.partitions()).isEmpty();
    }

    @Test
    void itStoresExactlyWhatTheJsonBodyStores() {
        Random random = new Random(9);
        List<Record> records = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            byte[] bytes = new byte[random.nextInt(300)];
            random.nextBytes(bytes);
            records.add(switch (i % 3) {
                case 0 -> new Record(P, i, DataType.BYTES, bytes, random.nextLong());
                case 1 -> record(DataType.STRING, "s" + i + "é€", random.nextLong());
                default -> record(DataType.JSON, "{\"i\":" + i + ",\"t\":\"x\"}", random.nextLong());
            });
        }
        PartitionKey other = PartitionKey.of("rep-json");

        HttpResponse<String> viaBinary = binary(ReplicateFrame.encode(push(P, 0, 2, records)));
        HttpResponse<String> viaJson = send("application/json", WireFormat.replicateJson(push(other, 0, 2, records)), SECRET);

        assertThat(viaBinary.statusCode()).as(viaBinary.body()).isEqualTo(200);
        assertThat(viaJson.statusCode()).isEqualTo(200);
        assertThat(json(viaBinary).get("next_offset").asLong()).isEqualTo(50);
        assertThat(json(viaBinary).get("node_id").asText()).isEqualTo("node-f");
        for (int i = 0; i < records.size(); i++) {
            JsonNode binaryStored = json(server.get("/read?partition=rep&offset=" + i));
            JsonNode jsonStored = json(server.get("/read?partition=rep-json&offset=" + i));
            assertThat(Base64.getDecoder().decode(binaryStored.get("data").asText())).isEqualTo(records.get(i).payload());
            assertThat(binaryStored.get("data_type").asInt()).isEqualTo(records.get(i).type().code());
            assertThat(binaryStored.get("timestamp").asLong()).isEqualTo(records.get(i).timestamp());
            assertThat(binaryStored.get("data")).isEqualTo(jsonStored.get("data"));
        }
    }

    @Test
    void theSecretIsCheckedAsForJson() {
        byte[] body = threeRecords();

        assertThat(send(ReplicateFrame.MEDIA_TYPE, body, null).statusCode()).isEqualTo(401);
        assertThat(send(ReplicateFrame.MEDIA_TYPE, body, "wrong").statusCode()).isEqualTo(403);
        assertThat(server.engine.partitions()).isEmpty();
    }

    @Test
    void anOlderEpochIsFencedAndAnOffsetAheadAnswersTheNextOne() {
        assertThat(binary(ReplicateFrame.encode(push(P, 0, 7, List.of(record(DataType.BYTES, "a", 1))))).statusCode())
                .isEqualTo(200);

        HttpResponse<String> stale = binary(ReplicateFrame.encode(push(P, 1, 6, List.of(record(DataType.BYTES, "b", 1)))));
        HttpResponse<String> ahead = binary(ReplicateFrame.encode(push(P, 5, 7, List.of(record(DataType.BYTES, "c", 1)))));

        assertThat(stale.statusCode()).isEqualTo(409);
        assertThat(json(stale).get("code").asText()).isEqualTo("stale_epoch");
        assertThat(ahead.statusCode()).isEqualTo(409);
        assertThat(json(ahead).get("code").asText()).isEqualTo("offset_mismatch");
        assertThat(json(ahead).get("next_offset").asLong()).isEqualTo(1);
    }

    /** The binary body always carries offsets and the leader's epoch: internal partitions replicate in it, as in JSON's form. */
    @Test
    void theLeadersInternalPartitionsReplicate() {
        PartitionKey gaps = PartitionKey.of("__gaps");
        HttpResponse<String> response = binary(ReplicateFrame.encode(push(gaps, 0, 1, List.of(new Record(gaps, 0, DataType.JSON,
                "{}".getBytes(StandardCharsets.UTF_8), 1)))));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(json(server.get("/read?partition=__gaps&offset=0")).get("value").isObject()).isTrue();
    }

    @Test
    void anotherContentTypeIsStill415() {
        assertThat(send("application/octet-stream", threeRecords(), SECRET).statusCode()).isEqualTo(415);
    }
}
