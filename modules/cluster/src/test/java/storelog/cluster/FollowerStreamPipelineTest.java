package storelog.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import storelog.api.NewRecord;
import storelog.api.PartitionKey;

/**
 * The pipelined push to one stub follower "b" (real HTTP on loopback): the leader holds 5,000
 * records of epoch 5, three batches of at most 2,000; b holds none. b's answers wait until all three
 * requests are in flight, then come back as each test says.
 */
class FollowerStreamPipelineTest {

    private static final PartitionKey KEY = LeaderTermSetup.KEY;

    @RegisterExtension
    final LeaderTermSetup setup = new LeaderTermSetup();
    private final AtomicLong seen = new AtomicLong(-1);
    /** Counted down by each request that arrives; the first three wait for it. */
    private final CountDownLatch allThree = new CountDownLatch(3);
    private final AtomicBoolean pipelined = new AtomicBoolean(true);
    private LeaderTerm term;

    @BeforeEach
    void setUp() {
        setup.engine.append(KEY, 5, IntStream.range(0, 5_000).mapToObj(i -> NewRecord.string("r" + i, 1)).toList());
        setup.b.state = n -> new StubFollower.Answer(200, LeaderTermSetup.B_EMPTY);
    }

    private void startTerm() {
        term = setup.start(9, LeaderTermSetup.settings(true, Duration.ofSeconds(10)), Duration.ofSeconds(10), setup::onlyB, seen::set,
                setup.newFence(), () -> 9);
    }

    /** Waits, up to 10 s, until the first three requests are all in flight. */
    private void inFlightTogether() {
        allThree.countDown();
        try {
            if (!allThree.await(10, TimeUnit.SECONDS)) {
                pipelined.set(false);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Where the pushes that carried records began (empty pushes only tell the committed end). */
    private List<Long> offsets() {
        return setup.b.pushes().stream().filter(body -> StubFollower.recordsIn(body) > 0).map(StubFollower::offsetOf).toList();
    }

    @Test
    void successiveBatchesAreInFlightTogetherAndAnswersOutOfOrderCountAll() {
        CountDownLatch later = new CountDownLatch(1);
        CountDownLatch last = new CountDownLatch(1);
        setup.b.replicate = body -> {
            inFlightTogether();
            long at = StubFollower.offsetOf(body);
            try { // answered last batch first, first batch last
                (at == 0 ? last : at == 2_000 ? later : new CountDownLatch(0)).await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            (at == 4_000 ? later : last).countDown();
            return StubFollower.ok(at + StubFollower.recordsIn(body));
        };
        startTerm();

        await().atMost(Duration.ofSeconds(20)).until(() -> term.tracker().acked("b", KEY) == 5_000);
        assertThat(pipelined).as("three requests in flight at once").isTrue();
        assertThat(offsets()).as("each batch sent once").containsExactlyInAnyOrder(0L, 2_000L, 4_000L);
    }

    @Test
    void aMismatchMidWindowDropsTheRestAndResumesFromTheFollowersAnswer() {
        AtomicInteger requests = new AtomicInteger();
        CountDownLatch mismatchAnswered = new CountDownLatch(1);
        setup.b.replicate = body -> {
            long at = StubFollower.offsetOf(body);
            if (requests.incrementAndGet() > 3) {
                return StubFollower.ok(at + StubFollower.recordsIn(body));
            }
            inFlightTogether();
            if (at == 2_000) { // b lost records: it holds 1,000
                mismatchAnswered.countDown();
                return new StubFollower.Answer(409, "{\"code\":\"offset_mismatch\",\"next_offset\":1000}");
            }
            try {
                mismatchAnswered.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return StubFollower.ok(at + StubFollower.recordsIn(body));
        };
        startTerm();

        await().atMost(Duration.ofSeconds(20)).until(() -> offsets().size() >= 5 && term.tracker().acked("b", KEY) == 5_000);
        assertThat(pipelined).isTrue();
        assertThat(offsets().subList(0, 3)).containsExactlyInAnyOrder(0L, 2_000L, 4_000L);
        assertThat(offsets().subList(3, 5)).as("from the follower's end, the dropped batches sent again (concurrently: in any order)")
                .containsExactlyInAnyOrder(1_000L, 3_000L);
    }

    @Test
    void aStaleEpochMidWindowDeposesTheLeaderAndStopsThePush() {
        setup.b.replicate = body -> {
            inFlightTogether();
            long at = StubFollower.offsetOf(body);
            return at == 2_000 ? new StubFollower.Answer(409, "{\"code\":\"stale_epoch\",\"epoch\":12}") : StubFollower.ok(at + StubFollower.recordsIn(body));
        };
        startTerm();

        await().atMost(Duration.ofSeconds(20)).until(() -> seen.get() == 12);
        assertThat(pipelined).isTrue();
        assertThat(term.streams()).as("the term ended").isEmpty();
        assertThat(offsets()).as("nothing sent after").hasSize(3);
    }
}
