package storelog.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import storelog.api.EpochStart;

/** Where the leader goes back to after a follower's {@code log_mismatch}. */
class FollowerStreamTest {

    private static final List<EpochStart> LEADER = List.of(new EpochStart(1, 0), new EpochStart(3, 100), new EpochStart(5, 150));

    @Test
    void toTheEndOfTheFollowersEpochWhenTheLeaderHasItToo() {
        assertThat(FollowerStream.back(LEADER, 170, 200, 3, 100)).isEqualTo(150);
    }

    @Test
    void toWhereTheEpochStartsOnTheFollowerWhenTheLeaderNeverHadIt() {
        assertThat(FollowerStream.back(LEADER, 150, 200, 4, 140)).isEqualTo(140);
    }

    @Test
    void alwaysBeforeTheOffsetThatFailed() {
        assertThat(FollowerStream.back(LEADER, 120, 200, 5, 110)).isEqualTo(119);
        assertThat(FollowerStream.back(LEADER, 1, 200, 9, 0)).isZero();
    }
}
