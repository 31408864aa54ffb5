package storelog.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class EpochHistoryTest {

    private static final List<EpochStart> LEADER = List.of(new EpochStart(1, 0), new EpochStart(3, 100), new EpochStart(5, 150));

    @Test
    void theEntryCoveringAnOffsetIsTheLastStartingAtOrBeforeIt() {
        assertThat(EpochHistory.at(LEADER, 0).epoch()).isEqualTo(1);
        assertThat(EpochHistory.at(LEADER, 149).epoch()).isEqualTo(3);
        assertThat(EpochHistory.at(LEADER, 150).epoch()).isEqualTo(5);
        assertThat(EpochHistory.at(List.of(new EpochStart(2, 5)), 4)).isNull();
    }

    @Test
    void anEpochEndsWhereTheFirstHigherOneStarts() {
        assertThat(EpochHistory.endOf(LEADER, 3, 200)).isEqualTo(150);
        assertThat(EpochHistory.endOf(LEADER, 4, 200)).as("an epoch the leader never had").isEqualTo(150);
        assertThat(EpochHistory.endOf(LEADER, 5, 200)).isEqualTo(200);
        assertThat(EpochHistory.endOf(LEADER, 0, 200)).isZero();
    }

    @Test
    void twoLogsDivergeAtTheFirstOffsetWhoseEpochsDiffer() {
        List<EpochStart> deposed = List.of(new EpochStart(1, 0), new EpochStart(3, 100));
        assertThat(EpochHistory.divergence(LEADER, 200, deposed, 170)).isEqualTo(150);
        assertThat(EpochHistory.divergence(LEADER, 200, deposed, 120)).as("a prefix").isEqualTo(120);
        List<EpochStart> foreign = List.of(new EpochStart(1, 0), new EpochStart(4, 140));
        assertThat(EpochHistory.divergence(LEADER, 200, foreign, 160)).as("epoch 1 on one, 3 on the other from 100").isEqualTo(100);
        assertThat(EpochHistory.divergence(LEADER, 200, List.of(), 0)).isZero();
        assertThat(EpochHistory.divergence(LEADER, 200, LEADER, 200)).isEqualTo(200);
    }

    @Test
    void theFirstOffsetOfAnotherEpochWithinARange() {
        assertThat(EpochHistory.firstOtherEpoch(LEADER, 100, 200, 3)).isEqualTo(150);
        assertThat(EpochHistory.firstOtherEpoch(LEADER, 100, 140, 3)).isEqualTo(140);
        assertThat(EpochHistory.firstOtherEpoch(LEADER, 90, 140, 3)).isEqualTo(90);
    }
}
