package storelog.elector.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import storelog.api.spi.Leadership;
import storelog.api.spi.Leadership.Role;
import storelog.elector.redis.Timeline.Sampled;

/** The timeline's overlap check: a handover inside one sweep is not an overlap; two leaders at once are. */
class TimelineTest {

    private static final Leadership CANDIDATE = new Leadership(Role.CANDIDATE, Optional.empty(), 0);

    private static Leadership leader(String id, long epoch) {
        return new Leadership(Role.LEADER, Optional.of(id), epoch);
    }

    @Test
    void aHandoverBetweenTwoNodesOfOneSweepIsNotAnOverlap() {
        AtomicReference<Leadership> n1 = new AtomicReference<>(leader("n1", 2));
        AtomicInteger n2Calls = new AtomicInteger();
        // n1 resigns and n2 wins while the sampler is between them (as when it is descheduled there)
        Sampled second = new Sampled("n2", () -> {
            if (n2Calls.incrementAndGet() < 3) {
                return CANDIDATE;
            }
            n1.set(CANDIDATE);
            return leader("n2", 4);
        });
        try (Timeline timeline = Timeline.of(new Sampled("n1", n1::get), second)) {
            await().atMost(Duration.ofSeconds(5)).until(() -> n2Calls.get() > 20);
            assertThat(timeline.changes("n1")).as("n1 was sampled as LEADER in the sweep of the handover").hasSize(2);
            assertThat(timeline.overlaps()).isEmpty();
        }
    }

    @Test
    void twoNodesAnsweringLeaderAroundEachOtherAreAnOverlapWhicheverComesFirstInTheSweep() {
        AtomicInteger n2Calls = new AtomicInteger();
        Sampled second = new Sampled("n2", () -> {
            n2Calls.incrementAndGet();
            return leader("n2", 4);
        });
        try (Timeline timeline = Timeline.of(new Sampled("n1", () -> CANDIDATE), second, new Sampled("n3", () -> leader("n3", 2)))) {
            await().atMost(Duration.ofSeconds(5)).until(() -> !timeline.overlaps().isEmpty());
            assertThat(timeline.overlaps().getFirst()).contains("[n2@4, n3@2], n2 still LEADER after");
        }
    }

    /**
     * n1 answers LEADER for one sample while n2, sampled after it, has led with its epoch since the
     * sweep before: n2 led before and after n1's answer, so the two overlapped, even though n1 no
     * longer answers LEADER when asked again (a flicker; which node comes first in the sweep must not
     * decide whether it is seen).
     */
    @Test
    void aLeaderAnswerBetweenTwoOfAnotherNodesAnswersWithOneEpochIsAnOverlapWhenTheFirstNodeNoLongerLeadsAfter() {
        AtomicInteger n1Calls = new AtomicInteger();
        Sampled first = new Sampled("n1", () -> n1Calls.incrementAndGet() == 3 ? leader("n1", 1) : CANDIDATE);
        AtomicInteger n2Calls = new AtomicInteger();
        Sampled second = new Sampled("n2", () -> {
            n2Calls.incrementAndGet();
            return leader("n2", 2);
        });
        try (Timeline timeline = Timeline.of(first, second)) {
            await().atMost(Duration.ofSeconds(5)).until(() -> n2Calls.get() > 20);
            assertThat(timeline.changes("n1")).as("n1 was sampled as LEADER once").hasSize(3);
            assertThat(timeline.overlaps()).singleElement().asString().contains("[n1@1, n2@2], n2 LEADER with its epoch before");
        }
    }
}
