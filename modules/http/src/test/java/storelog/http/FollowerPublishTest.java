package storelog.http;

import static org.assertj.core.api.Assertions.assertThat;
import static storelog.http.TestServer.json;

import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import storelog.testkit.TestData;

/** A follower takes no client writes: it names the leader (503 {@code not_leader}) and stores nothing. */
class FollowerPublishTest {

    private TestServer server;

    @BeforeEach
    void start(TestInfo test) {
        server = TestServer.builder(TestData.directory(test)).cluster(FollowerView::new).secret("s3cret").start();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void aPublishOnAFollowerAnswers503NamingTheLeaderAlsoInLocation() {
        HttpResponse<String> answer = server.post("/publish?x=1", "{\"data\":1,\"data_type\":0,\"partition_key\":\"k\"}");

        assertThat(answer.statusCode()).isEqualTo(503);
        assertThat(json(answer).get("code").asText()).isEqualTo("not_leader");
        assertThat(json(answer).get("leader_http").asText()).isEqualTo("127.0.0.1:1");
        assertThat(answer.headers().firstValue("Location")).hasValue("http://127.0.0.1:1/publish?x=1");
        assertThat(server.get("/partitions").body()).isEqualTo("[]");
    }

    @Test
    void aBatchOnAFollowerIsRefusedTheSameWayAndStoresNothing() {
        HttpResponse<String> answer = server.post("/publish/batch", "{\"partition_key\":\"k\",\"records\":[{\"data\":1},{\"data\":2}]}");

        assertThat(answer.statusCode()).isEqualTo(503);
        assertThat(json(answer).get("code").asText()).isEqualTo("not_leader");
        assertThat(server.get("/partitions").body()).isEqualTo("[]");
    }

    @Test
    void readsAreServedByAFollower() {
        assertThat(server.get("/records?partition=k&offset=0").statusCode()).isEqualTo(404);
        assertThat(server.get("/status").statusCode()).isEqualTo(200);
    }
}
