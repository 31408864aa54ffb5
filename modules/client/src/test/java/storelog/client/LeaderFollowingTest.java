package storelog.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import storelog.api.DataType;

class LeaderFollowingTest {

    private TestNode leader;

    @BeforeEach
    void start(TestInfo test) {
        leader = TestNode.start(test);
    }

    @AfterEach
    void stop() {
        leader.close();
    }

    @Test
    void aNotLeaderAnswerIsRetriedAtTheLeaderWhichThenGetsEveryRequest() {
        try (StubNode follower = StubNode.notLeader(leader.port());
             StoreLogClient client = TestNode.clientOf(follower.url())) {

            long offset = client.publish("hello", DataType.STRING, "p");
            assertThat(follower.hits()).isEqualTo(1);

            assertThat(client.read("p", offset).asString()).isEqualTo("hello");
            assertThat(client.publish("again", DataType.STRING, "p")).isEqualTo(offset + 1);
            assertThat(follower.hits()).isEqualTo(1);
        }
    }

    @Test
    void aLocationHeaderNamesTheLeaderToo() {
        try (StubNode follower = new StubNode(503, "{\"error\":\"not the leader\",\"code\":\"not_leader\"}",
                Map.of("Location", leader.url() + "/publish"));
             StoreLogClient client = TestNode.clientOf(follower.url())) {

            assertThat(client.publish("hello", DataType.STRING, "p")).isZero();
        }
    }

    @Test
    void aServiceUnavailableAnswerWithoutAHintIsAnError() {
        try (StubNode starting = new StubNode(503, "{\"error\":\"the node is not ready\",\"code\":\"not_ready\"}", Map.of());
             StoreLogClient client = TestNode.clientOf(starting.url())) {

            StoreLogClientException e = catchThrowableOfType(StoreLogClientException.class,
                    () -> client.publish("hello", DataType.STRING, "p"));

            assertThat(e.status()).isEqualTo(503);
            assertThat(e.code()).isEqualTo("not_ready");
            assertThat(starting.hits()).isEqualTo(1);
        }
    }

    @Test
    void theClusterSecretGoesWithEveryRequest() {
        try (StubNode follower = StubNode.notLeader(leader.port());
             StoreLogClient client = StoreLogClient.builder().node(follower.url()).clusterSecret("s3cret").build()) {

            client.publish("hello", DataType.STRING, "p");

            assertThat(follower.lastSecret()).hasValue("s3cret");
        }
    }
}
