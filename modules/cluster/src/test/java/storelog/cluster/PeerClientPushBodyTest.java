package storelog.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import storelog.api.DataType;
import storelog.api.PartitionKey;
import storelog.api.Record;
import storelog.core.ReplicaPush;
import storelog.core.ReplicateFrame;
import storelog.core.WireFormat;

/** The body a leader pushes in: binary by default, JSON to a follower that refuses binary, and only then. */
class PeerClientPushBodyTest {

    private static final String JSON = "application/json";
    private static final PartitionKey P = PartitionKey.of("p");
    private static final List<Record> RECORDS = List.of(
            new Record(P, 3, DataType.JSON, "{\"a\":1}".getBytes(StandardCharsets.UTF_8), 11),
            new Record(P, 4, DataType.BYTES, new byte[0], 12),
            new Record(P, 5, DataType.STRING, "é".getBytes(StandardCharsets.UTF_8), 13));

    private final PeerClient client = new PeerClient("s", Duration.ofSeconds(5));

    private PeerClient.PushAnswer push(StubFollower follower) throws Exception {
        return client.push(follower.member("b").http(), "b", P, 3, 7, 6, 5, 9, 8, 4, RECORDS);
    }

    /** The JSON body of the push every test sends, as the stub shows every push it took. */
    private static String expectedJson() {
        return new String(WireFormat.replicateJson(new ReplicaPush(P, 3, 7, 6, 5, 9, 8, 4, RECORDS)), StandardCharsets.UTF_8);
    }

    @Test
    void aFollowerThatReadsBinaryGetsBinaryCarryingWhatJsonWould() throws Exception {
        try (StubFollower follower = new StubFollower()) {
            follower.replicate = body -> StubFollower.ok(6);

            PeerClient.PushAnswer answer = push(follower);

            assertThat(answer.ok()).isTrue();
            assertThat(follower.contentTypes()).containsExactly(ReplicateFrame.MEDIA_TYPE);
            assertThat(follower.pushes()).containsExactly(expectedJson());
        }
    }

    @Test
    void aFollowerThatAnswers415GetsThePushAgainInJsonAndJsonFromThenOn() throws Exception {
        try (StubFollower follower = new StubFollower()) {
            follower.readsBinary = false;
            follower.replicate = body -> StubFollower.ok(6);

            PeerClient.PushAnswer first = push(follower);
            PeerClient.PushAnswer second = push(follower);

            assertThat(first.ok()).as("the push that was refused is sent again as JSON").isTrue();
            assertThat(second.ok()).isTrue();
            assertThat(follower.contentTypes()).containsExactly(ReplicateFrame.MEDIA_TYPE, JSON, JSON);
            assertThat(follower.pushes()).containsExactly(expectedJson(), expectedJson());
        }
    }

    @Test
    void aFollowerThatReadsAnotherVersionFallsBackToJson() throws Exception {
        try (StubFollower follower = new StubFollower()) {
            follower.readsBinary = false;
            follower.refusal = new StubFollower.Answer(400, "{\"code\":\"unsupported_version\"}");
            follower.replicate = body -> StubFollower.ok(6);

            assertThat(push(follower).ok()).isTrue();
            assertThat(follower.contentTypes()).containsExactly(ReplicateFrame.MEDIA_TYPE, JSON);
        }
    }

    /**
     * A follower upgraded during a rolling upgrade (restarted under the same address) reads binary
     * now: once {@link PeerClient#BINARY_RETRY} has passed since it refused, binary is tried again and
     * kept; one that still refuses costs one extra request per retry and keeps getting JSON.
     */
    @Test
    void binaryIsTriedAgainAfterTheRetryIntervalAndKeptWhenTheFollowerReadsItNow() throws Exception {
        AtomicLong now = new AtomicLong();
        PeerClient clocked = new PeerClient("s", Duration.ofSeconds(5), storelog.api.spi.PeerRoutes.none(), now::get);
        try (StubFollower follower = new StubFollower()) {
            follower.readsBinary = false;
            follower.replicate = body -> StubFollower.ok(6);
            String address = follower.member("b").http();

            assertThat(clocked.push(address, "b", P, 3, 7, 6, 5, 9, 8, 4, RECORDS).ok()).isTrue(); // binary refused, JSON
            now.addAndGet(PeerClient.BINARY_RETRY.toNanos() - 1);
            assertThat(clocked.push(address, "b", P, 3, 7, 6, 5, 9, 8, 4, RECORDS).ok()).isTrue(); // still JSON
            now.addAndGet(1);
            assertThat(clocked.push(address, "b", P, 3, 7, 6, 5, 9, 8, 4, RECORDS).ok()).isTrue(); // binary again: refused, JSON
            follower.readsBinary = true; // upgraded
            assertThat(clocked.push(address, "b", P, 3, 7, 6, 5, 9, 8, 4, RECORDS).ok()).isTrue(); // JSON: refused just now
            now.addAndGet(PeerClient.BINARY_RETRY.toNanos());
            assertThat(clocked.push(address, "b", P, 3, 7, 6, 5, 9, 8, 4, RECORDS).ok()).isTrue(); // binary, read
            assertThat(clocked.push(address, "b", P, 3, 7, 6, 5, 9, 8, 4, RECORDS).ok()).isTrue(); // and kept

            String bin = ReplicateFrame.MEDIA_TYPE;
            assertThat(follower.contentTypes()).containsExactly(bin, JSON, JSON, bin, JSON, JSON, bin, bin);
            assertThat(follower.pushes()).hasSize(6).containsOnly(expectedJson());
        }
    }

    /** A 400 for another reason (a body damaged on the way) is an answer to act on, not a reason to give up binary. */
    @Test
    void anotherRefusalKeepsBinary() throws Exception {
        try (StubFollower follower = new StubFollower()) {
            follower.readsBinary = false;
            follower.refusal = new StubFollower.Answer(400, "{\"code\":\"bad_crc\"}");

            PeerClient.PushAnswer answer = push(follower);
            follower.readsBinary = true;
            follower.replicate = body -> StubFollower.ok(6);
            PeerClient.PushAnswer next = push(follower);

            assertThat(answer.status()).isEqualTo(400);
            assertThat(answer.code()).isEqualTo("bad_crc");
            assertThat(next.ok()).isTrue();
            assertThat(follower.contentTypes()).containsExactly(ReplicateFrame.MEDIA_TYPE, ReplicateFrame.MEDIA_TYPE);
        }
    }
}
