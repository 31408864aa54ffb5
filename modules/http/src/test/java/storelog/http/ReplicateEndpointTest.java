package storelog.http;

import static org.assertj.core.api.Assertions.assertThat;
import static storelog.http.TestServer.json;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import storelog.testkit.TestData;

/** {@code POST /replicate} on a follower: exact offsets, fencing, and what it never takes from a request. */
class ReplicateEndpointTest {

    static final String SECRET = "s3cret";

    private TestServer server;

    @BeforeEach
    void start(TestInfo test) {
        server = TestServer.builder(TestData.directory(test)).cluster(FollowerView::new).secret(SECRET).start();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private HttpResponse<String> replicate(String body) {
        return server.send(HttpRequest.newBuilder(server.uri("/replicate")).header("Content-Type", "application/json")
                .header("X-Cluster-Secret", SECRET).POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    static String replica(String key, long offset, long epoch, String json, long timestamp) {
        String data = Base64.getEncoder().encodeToString(json.getBytes(StandardCharsets.UTF_8));
        return "{\"partition_key\":\"" + key + "\",\"offset\":" + offset + ",\"epoch\":" + epoch
                + ",\"records\":[{\"data\":\"" + data + "\",\"data_type\":0,\"timestamp\":" + timestamp + "}]}";
    }

    @Test
    void goStoreLogsFormAppendsAtTheNextOffset() {
        assertThat(replicate("{\"data\":1,\"data_type\":0,\"partition_key\":\"rep\"}").statusCode()).isEqualTo(200);
        HttpResponse<String> response = replicate("{\"data\":{\"x\":2},\"data_type\":0,\"partition_key\":\"rep\"}");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(json(response).get("offset").asLong()).isEqualTo(1);
        assertThat(json(server.get("/read?partition=rep&offset=1")).get("value").get("x").asInt()).isEqualTo(2);
    }

    /**
     * GoStoreLog's body carries no epoch, so a record it appended after the leader's took the
     * leader's epoch: the leader's own record at that offset was then "already here" and skipped,
     * and the leader counted this node as holding a record it never stored (ACKS=all acknowledged it
     * on one node). It is epoch 0 now: a partition written under a leader's epoch refuses it.
     */
    @Test
    void goStoreLogsFormCannotTakeTheOffsetOfTheLeadersNextRecord() {
        assertThat(replicate(replica("rep", 0, 3, "1", 1)).statusCode()).isEqualTo(200);

        HttpResponse<String> unnumbered = replicate("{\"data\":{\"x\":2},\"data_type\":0,\"partition_key\":\"rep\"}");
        HttpResponse<String> leaders = replicate(replica("rep", 1, 3, "{\"leader\":1}", 2));

        assertThat(leaders.statusCode()).isEqualTo(200);
        assertThat(json(server.get("/read?partition=rep&offset=1")).get("value").has("leader"))
                .as("the leader's record is at its offset").isTrue();
        assertThat(unnumbered.statusCode()).isEqualTo(409);
        assertThat(json(unnumbered).get("code").asText()).isEqualTo("stale_epoch");
    }

    /** A push that brings the partition to where the leader's epoch starts records it, and the answer says so. */
    @Test
    void aPushThatReachesTheLeadersEpochStartRecordsItAndAnswersTheLastEpoch() {
        HttpResponse<String> before = replicate(replica("rep", 0, 3, "1", 1));
        String reaching = replica("rep", 1, 3, "2", 1).replace("\"epoch\":3", "\"epoch\":4,\"record_epoch\":3,\"epoch_start\":2");

        HttpResponse<String> reached = replicate(reaching);

        assertThat(json(before).get("last_epoch").asLong()).isEqualTo(3);
        assertThat(reached.statusCode()).isEqualTo(200);
        assertThat(json(reached).get("last_epoch").asLong()).as("it holds epoch 4's start").isEqualTo(4);
        assertThat(json(reached).get("next_offset").asLong()).as("without a record").isEqualTo(2);
    }

    @Test
    void withOffsetsItAppendsExactlyThereOrSaysWhereItIs() {
        HttpResponse<String> ok = replicate(replica("rep", 0, 3, "{\"a\":1}", 1234));
        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(json(ok).get("next_offset").asLong()).isEqualTo(1);
        assertThat(json(ok).get("node_id").asText()).as("the leader checks it is the member it meant").isEqualTo("node-f");
        JsonNode stored = json(server.get("/read?partition=rep&offset=0"));
        assertThat(stored.get("timestamp").asLong()).as("the leader's timestamp is kept").isEqualTo(1234);
        assertThat(stored.get("value").get("a").asInt()).isEqualTo(1);

        HttpResponse<String> ahead = replicate(replica("rep", 5, 3, "2", 1));
        assertThat(ahead.statusCode()).isEqualTo(409);
        assertThat(json(ahead).get("code").asText()).isEqualTo("offset_mismatch");
        assertThat(json(ahead).get("next_offset").asLong()).isEqualTo(1);
    }

    @Test
    void replicationFromAnOlderEpochIsFenced() {
        assertThat(replicate(replica("rep", 0, 7, "1", 1)).statusCode()).isEqualTo(200);
        HttpResponse<String> stale = replicate(replica("rep", 1, 6, "2", 1));
        assertThat(stale.statusCode()).isEqualTo(409);
        assertThat(json(stale).get("code").asText()).isEqualTo("stale_epoch");
        assertThat(json(stale).get("epoch").asLong()).isEqualTo(7);
    }

    @ParameterizedTest
    @ValueSource(longs = {Long.MAX_VALUE, 9007199254740992L, -1})
    void anAbsurdEpochIs400AndCannotPoisonTheNode(long epoch) {
        HttpResponse<String> absurd = replicate(replica("rep", 0, epoch, "1", 1));
        assertThat(absurd.statusCode()).isEqualTo(400);
        assertThat(json(absurd).get("code").asText()).isEqualTo("invalid_epoch");
        assertThat(replicate(replica("rep", 0, 1, "1", 1)).statusCode()).as("the real leader, at epoch 1, still replicates")
                .isEqualTo(200);
    }

    @Test
    void goStoreLogsFormNeverStoresIntoAnInternalPartition() {
        HttpResponse<String> response = replicate("{\"data\":{},\"partition_key\":\"__gaps\"}");
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(json(response).get("code").asText()).isEqualTo("invalid_partition_key");
        assertThat(server.engine.partitions()).isEmpty();
    }

    @Test
    void theLeadersInternalPartitionsReplicateWithOffsetAndEpoch() {
        HttpResponse<String> response = replicate(replica("__gaps", 0, 1, "{}", 1));
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(json(server.get("/read?partition=__gaps&offset=0")).get("value").isObject()).isTrue();
    }
}
