package storelog.elector.redis;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import org.junit.jupiter.api.Test;
import storelog.api.spi.Leadership;
import storelog.api.spi.Leadership.Role;
import storelog.elector.redis.LeaseState.Observed;
import storelog.elector.redis.LeaseState.Owned;

/** The answers of leadership() and usable() as functions of what the elector knows and the clock. */
class LeaseStateTest {

    private static final long MS = 1_000_000;
    private static final LeaseClock CLOCK = LeaseClock.of(1000);
    /** An arbitrary monotonic origin near the overflow point: the rules must use differences. */
    private static final long T0 = Long.MAX_VALUE - 500 * MS;

    @Test
    void aLeaseIsGoodUntilTtlMinusOnePercentMinusOneHundredMillisecondsAfterTheCommandWasSent() {
        assertThat(CLOCK.deadline(T0) - T0).isEqualTo(890 * MS);
        assertThat(LeaseClock.of(10_000).deadline(0)).isEqualTo((10_000 - 100 - 100) * MS);
    }

    @Test
    void anOwnerLeadsUntilItsDeadlineAndNotOneNanosecondLonger() {
        Owned owned = new Owned("n1 4 h", 4, T0, CLOCK.deadline(T0));
        LeaseState state = LeaseState.INITIAL.withOwned(owned);

        assertThat(state.leadership("n1", 4, T0).role()).isEqualTo(Role.LEADER);
        assertThat(state.leadership("n1", 4, CLOCK.deadline(T0) - 1))
                .isEqualTo(new Leadership(Role.LEADER, Optional.of("n1"), 4));
        assertThat(state.leadership("n1", 4, CLOCK.deadline(T0)).role()).isEqualTo(Role.CANDIDATE);
        assertThat(state.leadership("n1", 4, CLOCK.deadline(T0) + 3_600_000 * MS).role())
                .as("after a long pause").isEqualTo(Role.CANDIDATE);
    }

    @Test
    void anOwnerOnARedisThatLostItsDataLeadsOnlyAfterTheHold() {
        long received = T0 + 5 * MS;
        Owned owned = new Owned("n1 2 h", 2, CLOCK.holdEnd(received), CLOCK.deadline(T0));
        LeaseState state = LeaseState.INITIAL.withOwned(owned);

        assertThat(CLOCK.holdEnd(received) - received).isEqualTo(1010 * MS);
        assertThat(state.leadership("n1", 0, T0 + 10 * MS).role()).isEqualTo(Role.CANDIDATE);
        LeaseState renewed = state.withOwned(owned.confirmedUntil(CLOCK.deadline(T0 + 900 * MS)));
        assertThat(renewed.leadership("n1", 0, CLOCK.holdEnd(received) - 1).role()).isEqualTo(Role.CANDIDATE);
        assertThat(renewed.leadership("n1", 0, CLOCK.holdEnd(received)).role()).isEqualTo(Role.LEADER);
    }

    @Test
    void anOwnerWhoseEpochIsBelowTheNodesHighestDoesNotLead() {
        LeaseState state = LeaseState.INITIAL.withOwned(new Owned("n1 4 h", 4, T0, CLOCK.deadline(T0)));

        assertThat(state.leadership("n1", 5, T0 + MS).role()).isEqualTo(Role.CANDIDATE);
        assertThat(state.leadership("n1", 4, T0 + MS).role()).isEqualTo(Role.LEADER);
    }

    @Test
    void aFollowerReportsTheObservedLeaderUntilTheObservationIsATtlOld() {
        Observed observed = new Observed(LeaseValue.parse("n2 8 127.0.0.1:8082"), CLOCK.observedUntil(T0));
        LeaseState state = LeaseState.INITIAL.withObserved(observed);

        assertThat(state.leadership("n1", 0, T0 + 999 * MS)).isEqualTo(new Leadership(Role.FOLLOWER, Optional.of("n2"), 8));
        assertThat(state.leadership("n1", 0, T0 + 1000 * MS)).isEqualTo(new Leadership(Role.CANDIDATE, Optional.empty(), 8));
    }

    @Test
    void aNodeNeverFollowsItselfNorAValueItCannotRead() {
        LeaseState own = LeaseState.INITIAL.withObserved(new Observed(LeaseValue.parse("n1 8 h"), CLOCK.observedUntil(T0)));
        LeaseState garbage = LeaseState.INITIAL.withObserved(new Observed(LeaseValue.parse("garbage"), CLOCK.observedUntil(T0)));

        assertThat(own.leadership("n1", 0, T0).role()).isEqualTo(Role.CANDIDATE);
        assertThat(garbage.leadership("n1", 0, T0)).isEqualTo(new Leadership(Role.CANDIDATE, Optional.empty(), 0));
    }

    @Test
    void usableMeansTheLastCommandWasAnsweredAndSentLessThanTwoRoundsAgo() {
        assertThat(LeaseState.INITIAL.usable(T0)).isFalse();
        LeaseState answered = LeaseState.INITIAL.answered(CLOCK.usableUntil(T0));
        assertThat(answered.usable(T0 + 665 * MS)).isTrue();
        assertThat(answered.usable(T0 + 667 * MS)).isFalse();
        assertThat(answered.failed().usable(T0 + MS)).isFalse();
    }

    @Test
    void theNextChangeByTimeIsTheEarliestFutureInstant() {
        LeaseState state = LeaseState.INITIAL.withOwned(new Owned("n1 4 h", 4, T0, CLOCK.deadline(T0)))
                .answered(CLOCK.usableUntil(T0));

        assertThat(state.nextChangeAfter(T0)).hasValue(CLOCK.usableUntil(T0));
        assertThat(state.nextChangeAfter(CLOCK.usableUntil(T0))).hasValue(CLOCK.deadline(T0));
        assertThat(state.nextChangeAfter(CLOCK.deadline(T0))).isEmpty();
    }

    @Test
    void leaseValuesParseOnlyWhenTheyAreOurs() {
        assertThat(LeaseValue.parse("n1 42 127.0.0.1:8080")).contains(new LeaseValue("n1", 42, "127.0.0.1:8080"));
        assertThat(LeaseValue.parse("n1 42 ")).contains(new LeaseValue("n1", 42, ""));
        assertThat(LeaseValue.parse("n1 42")).contains(new LeaseValue("n1", 42, ""));
        assertThat(LeaseValue.parse("n1 -3 h")).isEmpty();
        assertThat(LeaseValue.parse("n1 x h")).isEmpty();
        assertThat(LeaseValue.parse(" 4 h")).isEmpty();
        assertThat(LeaseValue.parse("")).isEmpty();
    }
}
