package storelog.elector.raft;

import java.time.Duration;

/**
 * How long this node may call itself leader after the group last confirmed it (the SPI's safety
 * rule, docs/cluster.md). A confirmation is a linearizable read answered by this node as leader of
 * term {@code t}: a majority acknowledged a heartbeat this leader sent after the read was sent, at
 * {@code sentAt}. Each of them withholds its vote from any other candidate until it has not heard
 * from this leader for the minimum election timeout (Ratis followers with a live leader refuse
 * votes), so no other node can be elected — and so be told it leads — before
 * {@code sentAt + electionTimeoutMin} by their clocks. The lease ends earlier, at
 * {@code sentAt + electionTimeoutMin × (1 − 1 %) − 100 ms} on this node's monotonic clock (1 % for
 * clock rates, 100 ms for scheduling), so a paused or cut-off leader answers CANDIDATE before.
 *
 * <p>Thread-safe: confirmations arrive on Ratis' threads, checks come from any thread.
 */
final class LeadershipLease {

    static final Duration MARGIN = Duration.ofMillis(100);

    private record Grant(long term, long sentAt) {
    }

    private final long lengthNanos;
    private volatile Grant grant = new Grant(-1, 0);

    LeadershipLease(Duration electionTimeoutMin) {
        this.lengthNanos = electionTimeoutMin.toNanos() * 99 / 100 - MARGIN.toNanos();
    }

    /** The leadership of {@code term} was confirmed by a read sent at {@code sentAt}. */
    synchronized void confirmed(long term, long sentAt) {
        Grant current = grant;
        if (term > current.term() || term == current.term() && sentAt - current.sentAt() > 0) {
            grant = new Grant(term, sentAt);
        }
    }

    /** Whether this node certainly still leads {@code term} at {@code now}. */
    boolean valid(long term, long now) {
        Grant current = grant;
        return current.term() == term && now - current.sentAt() < lengthNanos;
    }

    /** When the last confirmation (of any term) was sent. */
    long lastSentAt() {
        return grant.sentAt();
    }

    /** Whether any confirmation was received. */
    boolean everConfirmed() {
        return grant.term() >= 0;
    }
}
