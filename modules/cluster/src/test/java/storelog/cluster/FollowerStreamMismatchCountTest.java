package storelog.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import storelog.api.NewRecord;
import storelog.api.PartitionKey;

/**
 * An {@code offset_mismatch} answer names the follower's end, and that end may cover a divergent
 * tail (a deposed leader's records) that was never checked against the leader's log. The leader
 * (epoch 9) holds 1,000 records of epoch 2 then 4,000 of epoch 5; stub follower "b" holds the 1,000
 * of epoch 2 and then 2,000 records of epoch 3 at offsets 1,000..2,999 that the leader does not
 * have. The push from 1,000 is slow (it would cut b's tail); the pipelined push from 3,000 overtakes
 * it and b, after its reorder wait, answers {@code offset_mismatch} with its end, 3,000.
 *
 * <p>Counting b as holding 3,000 then would count it for the leader's records 1,000..2,999 of epoch
 * 5, which b does not hold: with {@code MIN_INSYNC=2} they would count as committed (readers see
 * them, a publish up to there is acknowledged) while only the leader holds them.
 */
class FollowerStreamMismatchCountTest {

    private static final PartitionKey KEY = LeaderTermSetup.KEY;
    private static final String B_DIVERGENT =
            "{\"node_id\":\"b\",\"partitions\":{\"events\":{\"next_offset\":3000,\"epochs\":[[2,0],[3,1000]]}}}";

    @RegisterExtension
    final LeaderTermSetup setup = new LeaderTermSetup();
    private LeaderTerm term;

    @BeforeEach
    void setUp() {
        setup.engine.append(KEY, 2, IntStream.range(0, 1_000).mapToObj(i -> NewRecord.string("old" + i, 1)).toList());
        setup.engine.append(KEY, 5, IntStream.range(1_000, 5_000).mapToObj(i -> NewRecord.string("r" + i, 1)).toList());
        setup.b.state = n -> new StubFollower.Answer(200, B_DIVERGENT);
    }

    @Test
    void anOffsetMismatchDoesNotCountTheFollowersUncheckedTail() {
        CountDownLatch observed = new CountDownLatch(1);
        AtomicInteger at3000 = new AtomicInteger();
        AtomicLong ackedThen = new AtomicLong(-1);
        AtomicLong committedThen = new AtomicLong(-1);
        setup.b.replicate = body -> {
            long at = StubFollower.offsetOf(body);
            if (at == 1_000 && observed.getCount() > 0) { // the slow push: answered after the test looked
                try {
                    observed.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return StubFollower.ok(at + StubFollower.recordsIn(body));
            }
            if (at == 3_000 && at3000.incrementAndGet() == 1) { // overtook the one before it: b's end is 3,000
                return new StubFollower.Answer(409, "{\"code\":\"offset_mismatch\",\"next_offset\":3000}");
            }
            if (at == 3_000 && observed.getCount() > 0) { // sent again after the mismatch was taken in
                ackedThen.set(term.tracker().acked("b", KEY));
                committedThen.set(term.tracker().committedEnd(KEY));
                observed.countDown();
                return new StubFollower.Answer(409, "{\"code\":\"log_mismatch\",\"next_offset\":3000,"
                        + "\"follower_epoch\":3,\"follower_epoch_start\":1000}");
            }
            return StubFollower.ok(at + StubFollower.recordsIn(body));
        };
        term = setup.start(9, LeaderTermSetup.settings(true, Duration.ofSeconds(10)), Duration.ofSeconds(10));

        await().atMost(Duration.ofSeconds(20)).until(() -> observed.getCount() == 0);
        assertThat(ackedThen.get()).as("b holds the leader's log only up to 1,000 (its records beyond are epoch 3's)")
                .isLessThanOrEqualTo(1_000);
        assertThat(committedThen.get()).as("the leader's records of epoch 5 from 1,000 on are held by the leader alone")
                .isLessThanOrEqualTo(1_000);
    }
}
