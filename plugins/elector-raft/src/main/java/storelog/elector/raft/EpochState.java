package storelog.elector.raft;

import java.util.Optional;

/**
 * The Raft group's replicated decision (docs/cluster.md "Raft"): who decides the leadership
 * ({@code mode}), the Raft epoch issued last, to whom, in which Raft term, and the highest epoch any
 * node reported. Every replica applies the same entries in the same order to the same state with
 * {@link #apply}, a pure function of the state, the entry and the entry's term.
 *
 * @param mode            {@code PRIMARY}: an earlier elector decides; {@code RAFT}: Raft has taken over
 * @param epoch           the last epoch Raft issued (0: none yet)
 * @param leaderId        to whom it was issued; empty after a hand-back and before the first epoch
 * @param epochTerm       the Raft term in which it was issued (0: none yet)
 * @param highestObserved the highest epoch issued or reported by any node
 */
record EpochState(Mode mode, long epoch, Optional<String> leaderId, long epochTerm, long highestObserved) {

    /** Who decides the leadership. */
    enum Mode {
        PRIMARY, RAFT
    }

    static final EpochState INITIAL = new EpochState(Mode.PRIMARY, 0, Optional.empty(), 0, 0);

    /**
     * The state after the entry {@code command}, appended to the Raft log in term {@code entryTerm}.
     * A new epoch or a hand-back counts only when it was proposed in the term it was appended in: only
     * that term's leader appends entries of that term, so a proposal of a deposed leader (retried or
     * forwarded into a later term) changes nothing, on every replica alike.
     */
    EpochState apply(Command command, long entryTerm) {
        return switch (command) {
            case Command.NewEpoch e when e.term() == entryTerm && entryTerm >= epochTerm && validSlot(e.slot(), e.slots()) -> {
                long issued = nextEpochAbove(Math.max(Math.max(epoch, highestObserved), e.floor()), e.slot(), e.slots());
                yield new EpochState(Mode.RAFT, issued, Optional.of(e.proposer()), entryTerm, issued);
            }
            case Command.HandBack h when h.term() == entryTerm && entryTerm >= epochTerm && mode == Mode.RAFT ->
                    new EpochState(Mode.PRIMARY, epoch, Optional.empty(), epochTerm, highestObserved);
            case Command.Observe o when o.epoch() > highestObserved ->
                    new EpochState(mode, epoch, leaderId, epochTerm, o.epoch());
            default -> this;
        };
    }

    private static boolean validSlot(int slot, int slots) {
        return slots >= 1 && slot >= 0 && slot < slots;
    }

    /** The smallest epoch above {@code floor} with {@code e % slots == slot} (ElectionContext's rule). */
    static long nextEpochAbove(long floor, int slot, int slots) {
        long e = Math.max(floor, 0) + 1;
        return e + Math.floorMod(slot - e, slots);
    }
}
