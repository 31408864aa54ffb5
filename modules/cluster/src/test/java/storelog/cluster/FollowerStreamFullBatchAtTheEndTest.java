package storelog.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import storelog.api.PartitionKey;

/**
 * The push's Nagle rule after a request of exactly one full batch that also reached the leader's end
 * (docs/cluster.md "Pipelining": that request fills a batch, so it is not the partition's partial one):
 * its answer must not let a second small request go while the small one sent after it is in flight.
 * b holds its answers to the pushes at offsets 0, 100 and 2,100 until the test lets them go and answers
 * every other push at once; a second partition, answered at once, shows when the stream has looked at
 * the first after an append (it steps the partitions it was woken for before it takes the next answers).
 */
class FollowerStreamFullBatchAtTheEndTest {

    private static final PartitionKey KEY = LeaderTermSetup.KEY;
    private static final PartitionKey OTHER = PartitionKey.of("other");

    @RegisterExtension
    final LeaderTermSetup setup = new LeaderTermSetup();
    private final Map<Long, CountDownLatch> arrived = Map.of(0L, new CountDownLatch(1), 100L, new CountDownLatch(1),
            2_100L, new CountDownLatch(1));
    private final Map<Long, CountDownLatch> release = Map.of(0L, new CountDownLatch(1), 100L, new CountDownLatch(1),
            2_100L, new CountDownLatch(1));
    private final Map<PartitionKey, Integer> appended = new ConcurrentHashMap<>();
    private LeaderTerm term;

    @BeforeEach
    void setUp() {
        append(KEY, 100);
        setup.b.state = n -> new StubFollower.Answer(200, LeaderTermSetup.B_EMPTY);
        setup.b.replicate = body -> {
            long at = StubFollower.offsetOf(body);
            int count = StubFollower.recordsIn(body);
            if (count > 0 && body.contains("\"partition_key\":\"" + KEY.value() + "\"") && arrived.containsKey(at)) {
                arrived.get(at).countDown();
                try {
                    release.get(at).await(20, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return StubFollower.ok(at + count);
        };
        term = setup.start(9, LeaderTermSetup.settings(true, Duration.ofSeconds(10)), Duration.ofSeconds(30));
    }

    /** Appends {@code count} records to {@code p} (of epoch 5 before the term, of its epoch 9 after) and tells the term. */
    private void append(PartitionKey p, int count) {
        int from = appended.getOrDefault(p, 0);
        appended.put(p, from + count);
        setup.append(term, p, from, count);
    }

    /** Appends {@code count} records to {@link #KEY}, then waits until the stream has looked at it since. */
    private void appendAndLetTheStreamStep(int count) {
        append(KEY, count);
        append(OTHER, 1);
        long end = appended.get(OTHER);
        await().atMost(Duration.ofSeconds(20)).until(() -> term.tracker().acked("b", OTHER) == end);
    }

    private static void reached(Map<Long, CountDownLatch> latches, long at) throws InterruptedException {
        assertThat(latches.get(at).await(20, TimeUnit.SECONDS)).as("the push at %d", at).isTrue();
    }

    /** Where the pushes of {@link #KEY} that carried records began, and how many they carried. */
    private List<List<Long>> pushed() {
        return setup.b.pushes().stream()
                .filter(body -> StubFollower.recordsIn(body) > 0 && body.contains("\"partition_key\":\"" + KEY.value() + "\""))
                .map(body -> List.of(StubFollower.offsetOf(body), (long) StubFollower.recordsIn(body))).toList();
    }

    @Test
    void aFullBatchThatReachesTheEndDoesNotLetASecondSmallRequestGo() throws InterruptedException {
        reached(arrived, 0); // all 100 records: the partial request
        append(KEY, ReplicationSettings.MAX_BATCH_RECORDS); // exactly one full batch: pipelined behind it
        reached(arrived, 100);
        release.get(0L).countDown();
        await().atMost(Duration.ofSeconds(20)).until(() -> term.tracker().acked("b", KEY) == 100);
        appendAndLetTheStreamStep(10); // the partial request now (the full batch does not hold it)
        reached(arrived, 2_100);

        release.get(100L).countDown(); // the full batch's answer
        await().atMost(Duration.ofSeconds(20)).until(() -> term.tracker().acked("b", KEY) == 2_100);
        appendAndLetTheStreamStep(10);
        appendAndLetTheStreamStep(10);
        release.get(2_100L).countDown();

        await().atMost(Duration.ofSeconds(20)).until(() -> term.tracker().acked("b", KEY) == 2_130);
        assertThat(pushed()).as("what came while the partial request at 2,100 was in flight: one request on its answer")
                .containsExactly(List.of(0L, 100L), List.of(100L, 2_000L), List.of(2_100L, 10L), List.of(2_110L, 20L));
    }
}
