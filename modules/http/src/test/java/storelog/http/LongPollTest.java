package storelog.http;

import static org.assertj.core.api.Assertions.assertThat;
import static storelog.http.TestServer.json;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import storelog.testkit.TestData;

/** Reads that wait for new records ({@code /records?wait_ms=}): bounded in number, capped in time, ended at shutdown. */
class LongPollTest {

    private Path dir;
    private TestServer server;
    private final ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor();

    @BeforeEach
    void start(TestInfo test) {
        dir = TestData.directory(test);
        server = TestServer.builder(dir.resolve("data")).limits(HttpLimits.defaults().withConcurrency(64, 16, 2)).start();
        server.post("/publish", "{\"data\":0,\"partition_key\":\"p\"}");
    }

    @AfterEach
    void stop() {
        clients.shutdownNow();
        server.close();
    }

    private CompletableFuture<HttpResponse<String>> longPoll(String partition, long offset) {
        return CompletableFuture.supplyAsync(() -> server.get("/records?partition=" + partition + "&offset=" + offset
                + "&wait_ms=30000"), clients);
    }

    /** Waits (with a deadline) until {@code /metrics} shows {@code readers} reads waiting. */
    private void awaitWaiting(int readers) {
        await(readers + " reads waiting").atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(5))
                .until(() -> server.get("/metrics").body().contains("storelog_long_polls_waiting " + readers + "\n"));
    }

    /** The node's shutdown waits for the requests still being handled before it closes the engine. */
    @Test
    void awaitIdleWaitsForTheRequestsBeingHandled() throws Exception {
        // the set-up's publish may still count as in flight just after its client got the response
        assertThat(server.http.awaitIdle(Duration.ofSeconds(20))).as("nothing in flight").isTrue();
        CompletableFuture<HttpResponse<String>> waiting = longPoll("p", 1);
        awaitWaiting(1);
        assertThat(server.http.awaitIdle(Duration.ofMillis(100))).as("a long poll is being handled").isFalse();
        server.post("/publish", "{\"data\":1,\"partition_key\":\"p\"}");
        assertThat(server.http.awaitIdle(Duration.ofSeconds(20))).as("it answered").isTrue();
        assertThat(waiting.get(20, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
    }

    @Test
    void aWaitAboveMaxWaitMsIsCappedNotRefused() {
        try (TestServer capped = TestServer.builder(dir.resolve("capped")).limits(HttpLimits.defaults().withMaxWaitMillis(300)).start()) {
            long start = System.nanoTime();
            HttpResponse<String> response = capped.get("/records?partition=p&offset=0&wait_ms=600001");
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(json(response).get("records")).isEmpty();
            assertThat(json(response).get("next_offset").asLong()).isZero();
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isBetween(Duration.ofMillis(300), Duration.ofSeconds(20));
        }
    }

    @Test
    void beyondMaxLongPollsAWaitingReadIs503WithRetryAfterWhileOtherReadsGoOn() throws Exception {
        CompletableFuture<HttpResponse<String>> first = longPoll("p", 1);
        CompletableFuture<HttpResponse<String>> second = longPoll("q", 0);
        awaitWaiting(2);

        HttpResponse<String> refused = server.get("/records?partition=p&offset=1&wait_ms=30000");
        assertThat(refused.statusCode()).isEqualTo(503);
        assertThat(json(refused).get("code").asText()).isEqualTo("too_many_long_polls");
        assertThat(refused.headers().firstValue("Retry-After")).hasValue("1");
        assertThat(server.get("/records?partition=p&offset=0&wait_ms=30000").statusCode())
                .as("a read with records to return does not wait, so it is not refused").isEqualTo(200);
        assertThat(server.get("/read?partition=p&offset=0").statusCode()).isEqualTo(200);
        assertThat(server.get("/metrics").body()).contains("storelog_long_polls_refused_total 1\n");

        server.post("/publish", "{\"data\":1,\"partition_key\":\"p\"}");
        server.post("/publish", "{\"data\":2,\"partition_key\":\"q\"}");
        assertThat(json(first.get(20, TimeUnit.SECONDS)).get("records")).hasSize(1);
        assertThat(json(second.get(20, TimeUnit.SECONDS)).get("records")).hasSize(1);
        awaitWaiting(0);
        assertThat(server.get("/metrics").body()).contains("storelog_long_polls_partitions 0\n");
    }

    @Test
    void atShutdownAWaitingReadIs503ShuttingDownInsteadOfAnEmptyAnswerToAskAgain() throws Exception {
        CompletableFuture<HttpResponse<String>> waiting = longPoll("p", 1);
        awaitWaiting(1);

        server.log.stopWaiting();

        HttpResponse<String> released = waiting.get(20, TimeUnit.SECONDS);
        assertThat(released.statusCode()).isEqualTo(503);
        assertThat(json(released).get("code").asText()).isEqualTo("shutting_down");
        assertThat(released.headers().firstValue("Retry-After")).hasValue("1");
        assertThat(server.get("/records?partition=p&offset=1&wait_ms=30000").statusCode()).isEqualTo(503);
        assertThat(server.get("/records?partition=p&offset=0").statusCode()).as("plain reads are still served").isEqualTo(200);
    }
}
