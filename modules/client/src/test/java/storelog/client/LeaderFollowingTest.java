package storelog.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.lang.reflect.Method;
import java.net.http.HttpClient;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import storelog.testkit.TestData;
import storelog.api.DataType;

class LeaderFollowingTest {

    /** One TLS identity for the class's HTTPS stubs (keytool takes a while). */
    private static TestTls tls;

    private TestNode leader;

    @BeforeAll
    static void makeTlsIdentity() {
        tls = new TestTls(TestData.directory(LeaderFollowingTest.class, "tls"));
    }

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
    void theClientNeverSendsTheClusterSecretWhichIsForNodesOnly() {
        assertThat(StoreLogClient.Builder.class.getMethods()).extracting(Method::getName).doesNotContain("clusterSecret");
        try (StubNode follower = StubNode.notLeader(leader.port());
             StoreLogClient client = TestNode.clientOf(follower.url())) {

            client.publish("hello", DataType.STRING, "p");

            assertThat(follower.hits()).isEqualTo(1);
            assertThat(follower.lastSecret()).isEmpty();
        }
    }

    @Test
    void aLeaderHintFromAnHttpsNodeIsFollowedOverHttps() throws Exception {
        try (StubNode secureLeader = StubNode.tls(tls.server(), 200, "{\"status\":\"ok\",\"offset\":7}");
             StubNode secureFollower = StubNode.tls(tls.server(), 503,
                     "{\"error\":\"not the leader\",\"code\":\"not_leader\",\"leader_http\":\"localhost:" + secureLeader.port() + "\"}");
             StoreLogClient client = StoreLogClient.builder().node(secureFollower.url())
                     .httpClient(HttpClient.newBuilder().sslContext(tls.client()).build()).build()) {

            assertThat(client.publish("hello", DataType.STRING, "p")).isEqualTo(7);
            assertThat(secureLeader.hits()).isEqualTo(1);
        }
    }

    @Test
    void anHttpsNodeNamingAnHttpLeaderIsNotFollowed() throws Exception {
        try (StubNode plainLeader = new StubNode(200, "{\"status\":\"ok\",\"offset\":7}", Map.of());
             StubNode secureFollower = StubNode.tls(tls.server(), 503,
                     "{\"error\":\"not the leader\",\"code\":\"not_leader\",\"leader_http\":\"" + plainLeader.url() + "\"}");
             StoreLogClient client = StoreLogClient.builder().node(secureFollower.url())
                     .httpClient(HttpClient.newBuilder().sslContext(tls.client()).build()).build()) {

            StoreLogClientException e = catchThrowableOfType(StoreLogClientException.class,
                    () -> client.publish("secret data", DataType.STRING, "p"));

            assertThat(e.status()).isEqualTo(503);
            assertThat(e.code()).isEqualTo("not_leader");
            assertThat(plainLeader.hits()).as("nothing was sent in the clear").isZero();
        }
    }
}
