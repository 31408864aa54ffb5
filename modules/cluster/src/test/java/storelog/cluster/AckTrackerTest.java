package storelog.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import storelog.api.PartitionKey;
import storelog.core.NotEnoughReplicasException;

/** The in-sync rule and the ACKS=all wait, with a clock and members the test sets. */
class AckTrackerTest {

    private static final PartitionKey P = PartitionKey.of("p");

    private final AtomicLong now = new AtomicLong(1_000_000);
    private volatile Set<String> members = Set.of("a", "b");
    private final Map<PartitionKey, Long> ends = new ConcurrentHashMap<>(Map.of(P, 10L));
    private final Map<PartitionKey, Long> committed = new ConcurrentHashMap<>();
    private final AckTracker tracker = new AckTracker(2, Duration.ofMillis(1000), () -> members,
            p -> ends.getOrDefault(p, 0L), now::get, (p, end) -> committed.merge(p, end, Math::max));

    @Test
    void aFollowerThatHeldEverythingRecentlyIsInSyncAndOneBehindForLongerIsNot() {
        tracker.acknowledged("a", P, 10, 10);
        tracker.acknowledged("b", P, 4, 10);

        assertThat(tracker.inSync("a", P)).isTrue();
        assertThat(tracker.inSync("b", P)).as("behind, but heard from just now").isTrue();

        now.addAndGet(1500);
        ends.put(P, 12L);
        assertThat(tracker.inSync("a", P)).as("caught up 1.5 s ago, behind now").isFalse();
        assertThat(tracker.inSync("b", P)).isFalse();
    }

    @Test
    void theCommittedEndIsWhatEveryInSyncFollowerAndMinInSyncNodesHold() {
        assertThat(tracker.committedEnd(P)).as("nothing known of the followers").isZero();

        tracker.acknowledged("b", P, 4, 10);
        tracker.acknowledged("a", P, 10, 10);
        assertThat(tracker.committedEnd(P)).as("b is in sync and holds 4").isEqualTo(4);
        assertThat(committed.get(P)).as("the fence was told").isEqualTo(4);

        now.addAndGet(1500);
        assertThat(tracker.inSync("b", P)).isFalse();
        assertThat(tracker.committedEnd(P)).as("b left the in-sync set: the leader and a hold 10").isEqualTo(10);

        members = Set.of("b");
        assertThat(tracker.committedEnd(P)).as("only b in the view: two nodes hold 4").isEqualTo(4);
        members = Set.of();
        assertThat(tracker.committedEnd(P)).as("the leader alone is fewer than MIN_INSYNC").isZero();
    }

    @Test
    void aWriteTheRuleHoldsForIsCommittedBeforeItsWriterHearsOfIt() throws Exception {
        tracker.acknowledged("a", P, 10, 10);
        tracker.acknowledged("b", P, 10, 10);
        ends.put(P, 12L);
        Thread writer = Thread.ofVirtual().start(() -> tracker.await(P, 12, Duration.ofSeconds(10)));
        tracker.acknowledged("a", P, 12, 12);
        tracker.acknowledged("b", P, 12, 12);
        writer.join(10_000);
        assertThat(writer.isAlive()).isFalse();
        assertThat(committed.get(P)).isEqualTo(12);
    }

    @Test
    void aFollowerGoneFromTheViewLeavesTheInSyncSetAtOnce() {
        tracker.acknowledged("a", P, 10, 10);
        members = Set.of("b");

        assertThat(tracker.inSync("a", P)).isFalse();
    }

    @Test
    void aWriteIsRefusedBeforeItIsStoredWhenTooFewNodesAreInSync() {
        assertThatThrownBy(() -> tracker.checkWritable(P)).isInstanceOf(NotEnoughReplicasException.class)
                .hasMessageContaining("nothing was stored");

        tracker.acknowledged("a", P, 10, 10);
        tracker.checkWritable(P);
    }

    @Test
    void aWriteWaitsForEveryInSyncFollowerNotOnlyForTheMinimum() throws Exception {
        tracker.acknowledged("a", P, 10, 10);
        tracker.acknowledged("b", P, 10, 10);
        ends.put(P, 11L);

        CompletableFuture<Void> write = CompletableFuture.runAsync(() -> tracker.await(P, 11, Duration.ofSeconds(30)));
        tracker.acknowledged("a", P, 11, 11); // MIN_INSYNC reached, but b is in sync too

        assertThat(write).as("still waiting for b").isNotDone();
        tracker.acknowledged("b", P, 11, 11);
        write.get(10, TimeUnit.SECONDS);
    }

    @Test
    void aWriteCompletesWithoutAFollowerOnceItLeftTheInSyncSet() throws Exception {
        tracker.acknowledged("a", P, 10, 10);
        tracker.acknowledged("b", P, 10, 10);
        ends.put(P, 11L);
        CompletableFuture<Void> write = CompletableFuture.runAsync(() -> tracker.await(P, 11, Duration.ofSeconds(30)));
        tracker.acknowledged("a", P, 11, 11);

        now.addAndGet(1500); // b stays behind past REPLICA_LAG_MS

        write.get(10, TimeUnit.SECONDS);
    }

    @Test
    void aWriteFailsOnceFewerThanTheMinimumCanStillHoldIt() {
        tracker.acknowledged("a", P, 10, 10);
        ends.put(P, 11L);
        members = Set.of("a");
        CompletableFuture<Void> write = CompletableFuture.runAsync(() -> tracker.await(P, 11, Duration.ofSeconds(30)));

        members = Set.of(); // a left the view before it acknowledged

        assertThat(write).failsWithin(Duration.ofSeconds(10)).withThrowableThat()
                .havingCause().isInstanceOf(NotEnoughReplicasException.class).withMessageContaining("not acknowledged");
    }

    @Test
    void closingTheTermFailsEveryWaiter() {
        tracker.acknowledged("a", P, 10, 10);
        ends.put(P, 11L);
        CompletableFuture<Void> write = CompletableFuture.runAsync(() -> tracker.await(P, 11, Duration.ofSeconds(30)));

        tracker.close();

        assertThat(write).failsWithin(Duration.ofSeconds(10)).withThrowableThat()
                .havingCause().isInstanceOf(NotEnoughReplicasException.class).withMessageContaining("stopped leading");
    }

    /**
     * A follower that acknowledged a write and then came back holding less (its disk replaced, or its
     * unsynced tail lost) says so when the leader asks its state again: what it holds now replaces
     * what it held, or the write would be acknowledged as held by two nodes while only the leader has it.
     */
    @Test
    void whatAFollowerSaysItHoldsNowReplacesWhatItAcknowledgedBefore() {
        tracker.acknowledged("a", P, 10, 10);
        tracker.acknowledged("b", P, 10, 10);
        ends.put(P, 11L);
        CompletableFuture<Void> write = CompletableFuture.runAsync(() -> tracker.await(P, 11, Duration.ofSeconds(30)));
        tracker.acknowledged("a", P, 11, 11);

        tracker.known("a", P, 0); // a restarted without its data; b is still in sync, so the write waits
        now.addAndGet(1500); // b stays behind past REPLICA_LAG_MS

        assertThat(tracker.acked("a", P)).isZero();
        assertThat(write).failsWithin(Duration.ofSeconds(10)).withThrowableThat()
                .havingCause().isInstanceOf(NotEnoughReplicasException.class);
    }

    /**
     * A follower first heard of in this term (a new leader's, or a member that joined since) and
     * behind: it never held everything, so it is not in sync until it catches up — otherwise every
     * write waits for its whole catch-up, and fails after the wait's limit while it takes longer.
     */
    @Test
    void aFollowerBehindWhenFirstKnownIsNotInSyncUntilItCatchesUp() {
        tracker.known("a", P, 4);
        tracker.healthy("a");
        tracker.known("b", P, 10);
        tracker.healthy("b");

        assertThat(tracker.inSync("a", P)).isFalse();
        assertThat(tracker.inSync("b", P)).isTrue();

        tracker.acknowledged("a", P, 10, 10);
        assertThat(tracker.inSync("a", P)).as("caught up").isTrue();
    }
}
