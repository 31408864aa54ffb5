package storelog.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import storelog.api.DataType;

class TailTest {

    private static final Duration DEADLINE = Duration.ofSeconds(10);

    @RegisterExtension
    final TestNode.PerTest node = new TestNode.PerTest();
    private final ExecutorService consumers = Executors.newCachedThreadPool();

    @AfterEach
    void stopConsumers() {
        consumers.shutdownNow();
    }

    @Test
    void aTailReceivesRecordsPublishedAfterItStartedInOrder() throws Exception {
        try (Tail tail = node.client().tail("t", 0)) {
            CountDownLatch firstSeen = new CountDownLatch(1);
            CompletableFuture<List<String>> received = CompletableFuture.supplyAsync(() -> {
                List<String> texts = new ArrayList<>();
                while (texts.size() < 4) {
                    texts.add(tail.next().asString());
                    firstSeen.countDown();
                }
                return texts;
            }, consumers);

            node.client().publish("r0", DataType.STRING, "t");
            assertThat(firstSeen.await(DEADLINE.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
            node.client().publish("r1", DataType.STRING, "t");
            node.client().publishBatch("t", List.of(Entry.string("r2"), Entry.string("r3")));

            assertThat(received.get(DEADLINE.toMillis(), TimeUnit.MILLISECONDS)).containsExactly("r0", "r1", "r2", "r3");
            assertThat(tail.position()).isEqualTo(4);
        }
    }

    @Test
    void closingATailUnblocksItsWaitingConsumerPromptly() throws Exception {
        try (StoreLogClient patient = StoreLogClient.builder().node(node.node().url()).tailWait(Duration.ofSeconds(30)).build()) {
            Tail tail = patient.tail("t", 0);
            Thread[] consumer = new Thread[1];
            CompletableFuture<Boolean> hasNext = CompletableFuture.supplyAsync(() -> {
                consumer[0] = Thread.currentThread();
                return tail.hasNext();
            }, consumers);
            awaitWaiting(hasNext, consumer);

            long start = System.nanoTime();
            tail.close();

            assertThat(hasNext.get(DEADLINE.toMillis(), TimeUnit.MILLISECONDS)).isFalse();
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
            assertThat(tail.hasNext()).isFalse();
            patient.publish("wake", DataType.STRING, "t"); // ends the abandoned long-poll, so the node stops at once
        }
    }

    @Test
    void closingTheClientClosesItsTails() {
        Tail tail = node.client().tail("t", 0);

        node.client().close();

        assertThat(tail.isClosed()).isTrue();
        assertThat(tail.hasNext()).isFalse();
    }

    @Test
    void pollGivesUpWhenNoRecordComesInTime() {
        try (Tail tail = node.client().tail("t", 0)) {
            long start = System.nanoTime();

            assertThat(tail.poll(Duration.ofMillis(300))).isEmpty();

            assertThat(Duration.ofNanos(System.nanoTime() - start)).isBetween(Duration.ofMillis(250), Duration.ofSeconds(3));
        }
    }

    @Test
    void anIdleTailAsksAgainOnlyWhenALongPollReturns() throws Exception {
        try (Tail tail = node.client().tail("t", 0)) { // the test client's long-polls wait 500 ms

            assertThat(tail.poll(Duration.ofMillis(1300))).isEmpty();

            assertThat(recordsRequests()).isBetween(2L, 4L);
        }
    }

    @Test
    void aTailFromPastTheEndEndsWithOffsetOutOfRange() {
        node.client().publish("only", DataType.STRING, "t");
        Tail tail = node.client().tail("t", 5);

        StoreLogClientException failure = catchThrowableOfType(StoreLogClientException.class, tail::hasNext);

        assertThat(failure.status()).isEqualTo(404);
        assertThat(failure.code()).isEqualTo("offset_out_of_range");
        assertThat(tail.isClosed()).isTrue();
        assertThat(tail.hasNext()).isFalse();
    }

    @Test
    void theStreamOfATailEndsAtALimit() {
        node.client().publishBatch("t", List.of(Entry.string("a"), Entry.string("b"), Entry.string("c")));

        try (Tail tail = node.client().tail("t", 1)) {
            assertThat(tail.stream().limit(2).map(Record::asString).toList()).containsExactly("b", "c");
        }
    }

    /** Waits until the consumer thread is parked waiting for the long-poll's answer. */
    private static void awaitWaiting(CompletableFuture<?> task, Thread[] consumer) {
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        while (consumer[0] == null || consumer[0].getState() != Thread.State.WAITING) {
            assertThat(task).isNotDone();
            assertThat(System.nanoTime()).as("consumer never blocked").isLessThan(deadline);
            Thread.onSpinWait();
        }
    }

    /** How many {@code GET /records} the node has answered, from its metrics. */
    private long recordsRequests() throws Exception {
        try (HttpClient http = HttpClient.newHttpClient()) {
            String metrics = http.send(HttpRequest.newBuilder(URI.create(node.node().url() + "/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            Matcher m = Pattern.compile("storelog_http_requests_total\\{endpoint=\"/records\",status=\"200\"} (\\d+)").matcher(metrics);
            return m.find() ? Long.parseLong(m.group(1)) : 0;
        }
    }
}
