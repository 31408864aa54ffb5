package storelog.elector.raft;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import storelog.elector.raft.Command.HandBack;
import storelog.elector.raft.Command.NewEpoch;
import storelog.elector.raft.Command.Observe;
import storelog.elector.raft.EpochState.Mode;

class EpochStateTest {

    @Test
    void aNewEpochIsTheNextOfTheProposersResidueClassAboveEverythingKnown() {
        EpochState s = EpochState.INITIAL.apply(new Observe(205), 1);

        EpochState raft = s.apply(new NewEpoch(3, "n2", 100, 1, 2), 3);

        assertThat(raft).isEqualTo(new EpochState(Mode.RAFT, 207, Optional.of("n2"), 3, 207));
        assertThat(raft.apply(new NewEpoch(4, "n1", 900, 1, 2), 4).epoch()).isEqualTo(901);
        assertThat(raft.apply(new NewEpoch(4, "n1", 0, 0, 3), 4).epoch()).isEqualTo(210);
    }

    @Test
    void aProposalAppendedInAnotherTermThanItWasProposedInChangesNothing() {
        EpochState raft = EpochState.INITIAL.apply(new NewEpoch(3, "n2", 0, 1, 2), 3);

        assertThat(raft.apply(new NewEpoch(2, "n1", 0, 1, 2), 4)).as("a deposed leader's proposal, retried").isEqualTo(raft);
        assertThat(raft.apply(new NewEpoch(5, "n1", 0, 1, 2), 4)).as("a term the entry was not appended in").isEqualTo(raft);
        assertThat(raft.apply(new HandBack(2, "n1"), 4)).isEqualTo(raft);
        assertThat(raft.apply(new NewEpoch(4, "n1", 0, 3, 2), 4)).as("a slot outside the slots").isEqualTo(raft);
    }

    @Test
    void aHandBackReturnsTheDecisionToTheEarlierElectorsAndKeepsTheEpoch() {
        EpochState raft = EpochState.INITIAL.apply(new NewEpoch(3, "n2", 0, 1, 2), 3);

        EpochState primary = raft.apply(new HandBack(3, "n2"), 3);

        assertThat(primary).isEqualTo(new EpochState(Mode.PRIMARY, 1, Optional.empty(), 3, 1));
        assertThat(primary.apply(new HandBack(4, "n1"), 4)).as("only from raft mode").isEqualTo(primary);
        assertThat(primary.apply(new NewEpoch(4, "n1", 0, 1, 2), 4).epoch()).isEqualTo(3);
    }

    @Test
    void observationsOnlyRaiseTheFloor() {
        EpochState s = EpochState.INITIAL.apply(new Observe(10), 1).apply(new Observe(4), 1);

        assertThat(s.highestObserved()).isEqualTo(10);
        assertThat(s.mode()).isEqualTo(Mode.PRIMARY);
    }

    @Test
    void commandsSurviveTheirLogEncodingAndUnknownKindsAreSkipped() {
        for (Command c : List.of(new NewEpoch(7, "node-ü", 42, 1, 2), new HandBack(8, "n3"), new Observe(Long.MAX_VALUE))) {
            assertThat(Command.decode(c.encode())).contains(c);
        }
        assertThat(Command.decode(new byte[] {9, 1, 2})).isEmpty();
        assertThat(Command.decode(new byte[] {Command.NEW_EPOCH, 1})).isEmpty();
        assertThat(Command.decode(new byte[0])).isEmpty();
    }
}
