package storelog.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import storelog.api.PartitionKey;

/**
 * One partial push of a partition in flight at a time (the push's Nagle rule, {@link PushWindow}):
 * the leader holds 100 records of epoch 5 and b none; b holds its answer to the first push (all 100
 * records, so partial) while the test appends more.
 */
class FollowerStreamPartialPushTest {

    private static final PartitionKey KEY = LeaderTermSetup.KEY;

    @RegisterExtension
    final LeaderTermSetup setup = new LeaderTermSetup();
    private final CountDownLatch firstArrived = new CountDownLatch(1);
    private final CountDownLatch release = new CountDownLatch(1);
    /** Pushes with records that arrived while the first one's answer was held. */
    private final AtomicInteger sentMeanwhile = new AtomicInteger();
    private LeaderTerm term;

    @BeforeEach
    void setUp() {
        append(0, 100);
        setup.b.state = n -> new StubFollower.Answer(200, LeaderTermSetup.B_EMPTY);
        setup.b.replicate = body -> {
            long at = StubFollower.offsetOf(body);
            int count = StubFollower.recordsIn(body);
            if (at == 0 && count > 0) {
                firstArrived.countDown();
                try {
                    release.await(20, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            } else if (count > 0 && release.getCount() > 0) {
                sentMeanwhile.incrementAndGet();
            }
            return StubFollower.ok(at + count);
        };
        term = setup.start(9, LeaderTermSetup.settings(true, Duration.ofSeconds(10)), Duration.ofSeconds(30));
    }

    private void append(int from, int count) {
        setup.append(term, KEY, from, count);
    }

    /** Where the pushes that carried records began, and how many they carried. */
    private List<List<Long>> pushed() {
        return setup.b.pushes().stream().filter(body -> StubFollower.recordsIn(body) > 0)
                .map(body -> List.of(StubFollower.offsetOf(body), (long) StubFollower.recordsIn(body))).toList();
    }

    @Test
    void recordsAppendedWhileAPartialPushIsInFlightGoInOneRequestOnItsAnswer() throws InterruptedException {
        assertThat(firstArrived.await(20, TimeUnit.SECONDS)).isTrue();
        append(100, 10);
        append(110, 10);
        append(120, 10);
        // a negative: the old push sent each append at once (its window had room); 1 s gives it the time to show
        await().pollDelay(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(2)).until(() -> true);
        assertThat(sentMeanwhile).as("nothing sent while the partial push was in flight").hasValue(0);

        release.countDown();

        await().atMost(Duration.ofSeconds(20)).until(() -> term.tracker().acked("b", KEY) == 130);
        assertThat(pushed()).as("the first push, then the three appends in one").containsExactly(List.of(0L, 100L), List.of(100L, 30L));
    }

    @Test
    void aFullBatchIsStillSentWhileAPartialPushIsInFlight() throws InterruptedException {
        assertThat(firstArrived.await(20, TimeUnit.SECONDS)).isTrue();
        append(100, ReplicationSettings.MAX_BATCH_RECORDS + 10);

        await().atMost(Duration.ofSeconds(20)).until(() -> sentMeanwhile.get() == 1);
        release.countDown();

        await().atMost(Duration.ofSeconds(20)).until(() -> term.tracker().acked("b", KEY) == 2_110);
        assertThat(pushed()).as("the full batch pipelined behind the partial push, then the rest")
                .containsExactly(List.of(0L, 100L), List.of(100L, 2_000L), List.of(2_100L, 10L));
    }
}
