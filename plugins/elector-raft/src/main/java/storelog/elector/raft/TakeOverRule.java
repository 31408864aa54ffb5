package storelog.elector.raft;

import java.time.Duration;

/**
 * When a later Raft elector takes over from the earlier electors and when it hands back
 * (docs/cluster.md "Taking over", "Handing back"), from this node's samples of
 * {@code ElectionContext.earlierUsable()} (one per elector tick, so a break shorter than a tick can be
 * missed):
 * <ul>
 *   <li>take over when the earlier electors have not been usable for {@code LEADER_TTL}, or have not
 *       been usable at all since this node started (GoStoreLog fell back to Raft when Redis did not
 *       answer at start);</li>
 *   <li>hand back when they have been usable for {@code 3 × LEADER_TTL} without a break.</li>
 * </ul>
 * Times are {@link System#nanoTime()} values. Used by the elector thread only.
 */
final class TakeOverRule {

    private final long ttlNanos;
    private boolean sampled;
    private boolean usable;
    private boolean everUsable;
    private long since;

    TakeOverRule(Duration leaderTtl) {
        this.ttlNanos = leaderTtl.toNanos();
    }

    /** Records whether the earlier electors are usable at {@code now}. */
    void sample(boolean earlierUsable, long now) {
        if (!sampled || earlierUsable != usable) {
            sampled = true;
            usable = earlierUsable;
            since = now;
        }
        everUsable |= earlierUsable;
    }

    boolean shouldTakeOver(long now) {
        return sampled && !usable && (!everUsable || now - since >= ttlNanos);
    }

    boolean shouldHandBack(long now) {
        return sampled && usable && now - since >= 3 * ttlNanos;
    }
}
