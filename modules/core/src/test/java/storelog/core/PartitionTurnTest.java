package storelog.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import storelog.api.EpochStart;

/** A follower partition's written end and epoch history, counting appends not yet durable. */
class PartitionTurnTest {

    private final PartitionTurn turn = new PartitionTurn();

    @Test
    void withNothingPendingTheEnginesEndAndHistoryAreTheAnswer() {
        assertThat(turn.writtenEnd(7)).isEqualTo(7);
        assertThat(turn.history(List.of(new EpochStart(3, 0)))).containsExactly(new EpochStart(3, 0));
    }

    @Test
    void writesNotYetDurableCountWithTheirEpochs() {
        turn.written(10, 20, 3);
        turn.written(20, 25, 5);

        assertThat(turn.writtenEnd(10)).isEqualTo(25);
        assertThat(turn.history(List.of(new EpochStart(3, 0))))
                .containsExactly(new EpochStart(3, 0), new EpochStart(5, 20));
    }

    /** Durable already, their writers not yet told: the engine's history has them, in order. */
    @Test
    void writesTheEngineAlreadyMadeDurableAreNotAddedAgain() {
        turn.written(10, 20, 5);
        turn.written(20, 30, 6);

        assertThat(turn.writtenEnd(30)).isEqualTo(30);
        assertThat(turn.history(List.of(new EpochStart(5, 0), new EpochStart(6, 20))))
                .containsExactly(new EpochStart(5, 0), new EpochStart(6, 20));
    }

    @Test
    void aSettledWriteNoLongerCounts() {
        PartitionTurn.Write w = turn.written(0, 4, 2);

        turn.settled(w);

        assertThat(turn.pending()).isFalse();
        assertThat(turn.writtenEnd(0)).as("cut: the engine's end is the answer").isZero();
    }
}
