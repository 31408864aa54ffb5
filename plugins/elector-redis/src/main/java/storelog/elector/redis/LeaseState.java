package storelog.elector.redis;

import static storelog.elector.redis.LeaseClock.before;

import java.util.Optional;
import java.util.OptionalLong;
import java.util.stream.LongStream;
import storelog.api.spi.Leadership;
import storelog.api.spi.Leadership.Role;

/**
 * What the elector knows, as one immutable value replaced as a whole; {@link #leadership} and
 * {@link #usable} answer from it and the monotonic clock at the moment of the call, so they need no
 * thread of the elector to have run since (a paused elector answers correctly at once).
 *
 * @param owned        the lease this node holds, or null
 * @param observed     who the last read of the lease said leads, or null when nobody did
 * @param usableUntil  until when the elector is usable ({@link LeaseClock#usableUntil}), if the last command was answered
 * @param lastEpoch    the highest epoch seen in the lease, reported with {@code CANDIDATE}
 */
record LeaseState(Owned owned, Observed observed, OptionalLong usableUntil, long lastEpoch) {

    /** Nothing known yet. */
    static final LeaseState INITIAL = new LeaseState(null, null, OptionalLong.empty(), 0);

    /**
     * This node's lease: it leads from {@code leadsFrom} (later than the win only on a Redis that lost its
     * data) until {@code deadline}.
     */
    record Owned(String text, long epoch, long leadsFrom, long deadline) {

        boolean leadsAt(long now) {
            return !before(now, leadsFrom) && before(now, deadline);
        }

        Owned confirmedUntil(long newDeadline) {
            return new Owned(text, epoch, leadsFrom, newDeadline);
        }
    }

    /** The lease read from Redis: its holder (empty if the value is not one of ours), reported until {@code until}. */
    record Observed(Optional<LeaseValue> holder, long until) {
    }

    /**
     * The role now. An owner leads only inside its lease ({@link Owned#leadsAt}) and with an epoch not
     * below {@code floor} (the node's highest seen epoch); otherwise it is a candidate. A node that owns
     * nothing follows the observed holder while that observation is fresh — never itself: a lease of
     * its own it does not hold is a previous run's, waiting to expire.
     */
    Leadership leadership(String self, long floor, long now) {
        if (owned != null) {
            return owned.leadsAt(now) && owned.epoch >= floor
                    ? new Leadership(Role.LEADER, Optional.of(self), owned.epoch)
                    : candidate();
        }
        if (observed != null && before(now, observed.until) && observed.holder.isPresent()
                && !observed.holder.get().nodeId().equals(self)) {
            LeaseValue holder = observed.holder.get();
            return new Leadership(Role.FOLLOWER, Optional.of(holder.nodeId()), holder.epoch());
        }
        return candidate();
    }

    private Leadership candidate() {
        return new Leadership(Role.CANDIDATE, Optional.empty(), lastEpoch);
    }

    /** Whether the last command was answered and recently enough ({@link LeaseClock#usableUntil}). */
    boolean usable(long now) {
        return usableUntil.isPresent() && before(now, usableUntil.getAsLong());
    }

    /** The next instant after {@code now} at which the answers above change by time alone, if any. */
    OptionalLong nextChangeAfter(long now) {
        LongStream.Builder instants = LongStream.builder();
        if (owned != null) {
            instants.add(owned.leadsFrom).add(owned.deadline);
        }
        if (observed != null) {
            instants.add(observed.until);
        }
        usableUntil.ifPresent(instants::add);
        return instants.build().filter(t -> before(now, t)).reduce((a, b) -> before(a, b) ? a : b);
    }

    LeaseState withOwned(Owned newOwned) {
        return new LeaseState(newOwned, observed, usableUntil,
                newOwned == null ? lastEpoch : Math.max(lastEpoch, newOwned.epoch));
    }

    LeaseState withObserved(Observed newObserved) {
        long epoch = newObserved == null ? lastEpoch
                : newObserved.holder.map(h -> Math.max(lastEpoch, h.epoch())).orElse(lastEpoch);
        return new LeaseState(owned, newObserved, usableUntil, epoch);
    }

    LeaseState answered(long until) {
        return new LeaseState(owned, observed, OptionalLong.of(until), lastEpoch);
    }

    LeaseState failed() {
        return new LeaseState(owned, observed, OptionalLong.empty(), lastEpoch);
    }
}
