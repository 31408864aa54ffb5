package storelog.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import storelog.api.PartitionKey;

/**
 * An empty push (no records: the epoch's start, a committed end, a cut) is not a partial push: records
 * appended while it is in flight go at once, since holding them batches nothing and costs a waiting
 * {@code ACKS=all} writer a round trip. The leader holds 100 records of epoch 5 and b none; b answers
 * at once except the empty push at 100 (the leader's epoch start, which b does not say it holds), whose
 * answer it holds until the test lets it go.
 */
class FollowerStreamEmptyPushTest {

    private static final PartitionKey KEY = LeaderTermSetup.KEY;

    @RegisterExtension
    final LeaderTermSetup setup = new LeaderTermSetup();
    private final CountDownLatch emptyArrived = new CountDownLatch(1);
    private final CountDownLatch recordsArrived = new CountDownLatch(1);
    private final CountDownLatch release = new CountDownLatch(1);
    private LeaderTerm term;

    @BeforeEach
    void setUp() {
        append(0, 100);
        setup.b.state = n -> new StubFollower.Answer(200, LeaderTermSetup.B_EMPTY);
        setup.b.replicate = body -> {
            long at = StubFollower.offsetOf(body);
            int count = StubFollower.recordsIn(body);
            if (at == 100 && count == 0 && emptyArrived.getCount() > 0) {
                emptyArrived.countDown();
                try {
                    release.await(60, TimeUnit.SECONDS); // longer than the test waits for the records
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            } else if (at == 100 && count > 0) {
                recordsArrived.countDown();
            }
            return StubFollower.ok(at + count);
        };
        term = setup.start(9, LeaderTermSetup.settings(true, Duration.ofSeconds(10)), Duration.ofSeconds(30));
    }

    private void append(int from, int count) {
        setup.append(term, KEY, from, count);
    }

    @Test
    void recordsAppendedWhileAnEmptyPushIsInFlightGoAtOnce() throws InterruptedException {
        assertThat(emptyArrived.await(20, TimeUnit.SECONDS)).as("the empty push of the epoch's start").isTrue();
        append(100, 10);

        assertThat(recordsArrived.await(20, TimeUnit.SECONDS)).as("the records, while the empty push is in flight").isTrue();
        release.countDown();
        await().atMost(Duration.ofSeconds(20)).until(() -> term.tracker().acked("b", KEY) == 110);
        assertThat(setup.b.pushes().stream().filter(body -> StubFollower.recordsIn(body) > 0).map(StubFollower::offsetOf).toList())
                .containsExactly(0L, 100L);
    }
}
