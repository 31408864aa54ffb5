package storelog.elector.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static storelog.elector.redis.Cluster.TTL;
import static storelog.elector.redis.Cluster.agreed;
import static storelog.elector.redis.Cluster.agreedLeader;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import storelog.api.spi.Leadership.Role;

/**
 * The elector itself stalls (a GC pause, a starved thread, SIGSTOP of the whole process): its
 * {@code leadership()} answers from the clock at the moment of the call, so once the lease deadline
 * has passed it answers CANDIDATE whatever its threads are doing; and a stalled leader that wakes up
 * after another took over does not lead again.
 */
class ElectorPauseTest {

    private static final long MS = 1_000_000;

    @RegisterExtension
    static final Cluster CLUSTER = Cluster.sharedRedis();

    private final CountDownLatch release = new CountDownLatch(1);

    @AfterEach
    void unblock() {
        release.countDown();
    }

    private static List<TestNode> two() {
        return List.of(CLUSTER.campaigning("n1", 0), CLUSTER.campaigning("n2", 0));
    }

    private void blockUntilReleased() {
        try {
            release.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void aLeaderWhoseRedisCommandsHangStepsDownAtItsDeadlineAndTellsItsListenerOnTime() {
        List<TestNode> two = two();
        try (Timeline timeline = new Timeline(two)) {
            TestNode leader = agreedLeader(two, Duration.ofSeconds(4));
            long epoch = leader.leadership().epoch();

            long blocked = System.nanoTime();
            leader.elector.onIoThread(this::blockUntilReleased); // every renewal now waits behind this

            await("the leader steps down").atMost(Duration.ofMillis(TTL)).pollInterval(Duration.ofMillis(1))
                    .until(() -> timeline.endedLeading(leader.id, epoch));
            long stepDown = System.nanoTime();
            assertThat((timeline.lastLeading(epoch).orElseThrow().before() - blocked) / MS)
                    .as("its last renewal was sent before the block").isLessThan(TTL - TTL / 100 - 100);
            await("the listener is told by the elector thread's timer, while the I/O thread is still blocked")
                    .atMost(Duration.ofMillis(TTL / 5)).until(() -> leader.events.getLast().leadership().role() == Role.CANDIDATE);

            TestNode other = two.stream().filter(n -> n != leader).findFirst().orElseThrow();
            await("the other node takes over once the lease expired").atMost(Duration.ofMillis(2 * TTL)).until(other::leads);
            release.countDown();
            await("the old leader follows the new one").atMost(Duration.ofMillis(TTL))
                    .until(() -> agreed(two).equals(Optional.of(other)));
            assertThat(timeline.first(leader.id, Role.LEADER, stepDown)).as("it never leads again").isEmpty();
            assertThat(timeline.overlaps()).isEmpty();
        }
    }

    @Test
    void aLeaderWhoseElectorThreadIsStuckAnswersCandidateAfterItsDeadlineWithoutThatThread() {
        List<TestNode> two = two();
        TestNode leader = agreedLeader(two, Duration.ofSeconds(4));
        long epoch = leader.leadership().epoch();
        try (Timeline timeline = new Timeline(List.of(leader))) {
            CountDownLatch stuck = new CountDownLatch(1);
            long blocked = System.nanoTime();
            leader.elector.onElectorThread(() -> { // no rounds, no timers, no events from now on
                stuck.countDown();
                blockUntilReleased();
            });
            await().atMost(Duration.ofSeconds(1)).until(() -> stuck.getCount() == 0);
            int eventsBefore = leader.events.size();

            await("the leader steps down").atMost(Duration.ofMillis(TTL)).pollInterval(Duration.ofMillis(1))
                    .until(() -> timeline.endedLeading(leader.id, epoch));

            assertThat((timeline.lastLeading(epoch).orElseThrow().before() - blocked) / MS)
                    .isLessThan(TTL - TTL / 100 - 100);
            assertThat(leader.leadership().role()).isEqualTo(Role.CANDIDATE);
            assertThat(leader.events).as("computed on the call, not by the stuck thread").hasSize(eventsBefore);
        }
    }
}
