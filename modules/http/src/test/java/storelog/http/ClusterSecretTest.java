package storelog.http;

import static org.assertj.core.api.Assertions.assertThat;
import static storelog.http.TestServer.json;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import storelog.testkit.TestData;

/** A follower's {@code /replicate} requires {@code CLUSTER_SECRET} in {@code X-Cluster-Secret}; client endpoints do not. */
class ClusterSecretTest {

    private TestInfo test;
    private TestServer server;

    @BeforeEach
    void start(TestInfo test) {
        this.test = test;
        server = TestServer.builder(TestData.directory(test)).cluster(FollowerView::new).secret("s3cret").start();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private static HttpResponse<String> replicate(TestServer server, String secret) {
        HttpRequest.Builder request = HttpRequest.newBuilder(server.uri("/replicate")).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"data\":1,\"partition_key\":\"p\"}"));
        if (secret != null) {
            request.header("X-Cluster-Secret", secret);
        }
        return server.send(request.build());
    }

    @Test
    void aMissingSecretIs401() {
        HttpResponse<String> response = replicate(server, null);
        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(json(response).get("code").asText()).isEqualTo("unauthorized");
        assertThat(server.engine.partitions()).isEmpty();
    }

    @Test
    void aWrongSecretIs403() {
        HttpResponse<String> response = replicate(server, "guess");
        assertThat(response.statusCode()).isEqualTo(403);
        assertThat(json(response).get("code").asText()).isEqualTo("forbidden");
        assertThat(server.engine.partitions()).isEmpty();
    }

    @Test
    void theRightSecretReplicates() {
        assertThat(replicate(server, "s3cret").statusCode()).isEqualTo(200);
    }

    @Test
    void aFollowerWithoutASecretRefusesEveryReplication() {
        server.close();
        server = TestServer.builder(TestData.directory(test)).cluster(FollowerView::new).start();
        for (String secret : new String[] {null, "anything"}) {
            HttpResponse<String> response = replicate(server, secret);
            assertThat(response.statusCode()).isEqualTo(403);
            assertThat(json(response).get("error").asText()).contains("no CLUSTER_SECRET");
        }
        assertThat(server.engine.partitions()).isEmpty();
    }

    @Test
    void clientEndpointsNeedNoSecret() {
        // this node follows: a publish is sent on to the leader, never refused for want of a secret
        assertThat(json(server.post("/publish", "{\"data\":1,\"partition_key\":\"p\"}")).get("code").asText())
                .isEqualTo("not_leader");
        assertThat(server.get("/partitions").statusCode()).isEqualTo(200);
        assertThat(server.get("/status").statusCode()).isEqualTo(200);
    }
}
