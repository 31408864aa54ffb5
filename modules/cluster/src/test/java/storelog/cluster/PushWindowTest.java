package storelog.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import storelog.api.PartitionKey;

/** The requests in flight to one follower: successive batches, the bound, what a reset drops. */
class PushWindowTest {

    private static final PartitionKey P = PartitionKey.of("p");
    private static final PartitionKey Q = PartitionKey.of("q");

    private final PushWindow window = new PushWindow(3);

    @Test
    void successiveBatchesOfAPartitionAreSentWithoutWaitingUpToTheBound() {
        PushWindow.Push first = window.send(P, 10, 25);
        PushWindow.Push second = window.send(P, 10, 25);
        PushWindow.Push third = window.send(Q, 5, 5);

        assertThat(first.from()).isZero();
        assertThat(second.from()).isEqualTo(10);
        assertThat(third.from()).isZero();
        assertThat(window.next(P)).isEqualTo(20);
        assertThat(window.hasRoom()).isFalse();
        assertThatThrownBy(() -> window.send(P, 5, 25)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void aRequestThatReachesTheLeadersEndIsPartialUntilItsAnswerOrAReset() {
        PushWindow.Push full = window.send(P, 10, 25);
        assertThat(window.partialInFlight(P)).as("a full batch").isFalse();
        PushWindow.Push partial = window.send(P, 15, 25);
        assertThat(window.partialInFlight(P)).isTrue();
        assertThat(window.partialInFlight(Q)).isFalse();

        assertThat(window.completed(full)).isTrue();
        assertThat(window.partialInFlight(P)).as("the full batch's answer").isTrue();
        assertThat(window.completed(partial)).isTrue();
        assertThat(window.partialInFlight(P)).isFalse();

        window.send(P, 5, 30);
        window.reset(P, 25, 25);
        assertThat(window.partialInFlight(P)).as("dropped by the reset").isFalse();
    }

    @Test
    void aFullBatchThatReachesTheEndIsNotPartialSoItsAnswerLeavesTheSmallRequestAfterItInFlight() {
        int full = ReplicationSettings.MAX_BATCH_RECORDS;
        PushWindow.Push small = window.send(P, 100, 100);
        PushWindow.Push batch = window.send(P, full, 100 + full); // appended meanwhile: exactly one batch, all sent
        assertThat(window.completed(small)).isTrue();
        assertThat(window.partialInFlight(P)).as("only a full batch in flight").isFalse();

        window.send(P, 10, 110 + full);
        assertThat(window.completed(batch)).isTrue();
        assertThat(window.partialInFlight(P)).as("the small request sent after the full batch").isTrue();
    }

    @Test
    void anEmptyPushAtTheEndIsNotPartial() {
        window.send(P, 0, 0);
        assertThat(window.partialInFlight(P)).isFalse();
    }

    @Test
    void answersThatComeBackOutOfOrderAllCount() {
        PushWindow.Push first = window.send(P, 10, 30);
        PushWindow.Push second = window.send(P, 10, 30);

        assertThat(window.completed(second)).isTrue();
        assertThat(window.completed(first)).isTrue();
        assertThat(window.inFlight()).isZero();
        assertThat(window.inFlight(P)).isZero();
        assertThat(window.next(P)).isEqualTo(20);
    }

    @Test
    void aResetMidWindowDropsWhatIsInFlightForThePartitionAndResumesFromTheGivenOffset() {
        PushWindow.Push first = window.send(P, 10, 30);
        PushWindow.Push second = window.send(P, 10, 30);
        PushWindow.Push other = window.send(Q, 10, 10);

        window.reset(P, 4, 4); // the follower answered the first with its end at 4

        assertThat(window.next(P)).isEqualTo(4);
        assertThat(window.theirs(P)).isEqualTo(4);
        assertThat(window.inFlight(P)).isZero();
        assertThat(window.completed(second)).as("dropped: its answer is ignored").isFalse();
        assertThat(window.completed(first)).isFalse();
        assertThat(window.completed(other)).as("another partition keeps its requests").isTrue();
        assertThat(window.send(P, 10, 30).from()).isEqualTo(4);
    }

    @Test
    void droppedRequestsHoldTheirPlaceInTheBoundUntilTheyEnd() {
        PushWindow.Push first = window.send(P, 10, 30);
        window.send(P, 10, 30);
        window.send(P, 10, 30);

        window.reset(P, 0, 0);

        assertThat(window.hasRoom()).as("their batches are still held").isFalse();
        window.completed(first);
        assertThat(window.hasRoom()).isTrue();
        assertThat(window.inFlight()).isEqualTo(2);
    }

    @Test
    void afterClearNoRequestSentBeforeCountsEvenWhenItsPartitionIsSentAgain() {
        PushWindow.Push before = window.send(P, 10, 10);

        window.clear();
        window.reset(P, 0, 0);
        PushWindow.Push after = window.send(P, 10, 10);

        assertThat(window.completed(before)).isFalse();
        assertThat(window.completed(after)).isTrue();
        assertThat(window.inFlight()).isZero();
    }

    @Test
    void aPartitionNeverHeardOfStartsAtZero() {
        assertThat(window.next(P)).isZero();
        assertThat(window.theirs(P)).isZero();
        assertThat(window.inFlight(P)).isZero();
    }
}
