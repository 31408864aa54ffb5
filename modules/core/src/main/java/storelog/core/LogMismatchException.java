package storelog.core;

import storelog.api.StoreLogException;

/**
 * A follower's log does not match the leader's just before the offset the leader sent (409
 * {@code log_mismatch}): the record before it has another epoch here. The leader goes back, using
 * the epoch this node holds there and where that epoch starts here, to find the last offset both logs
 * share (docs/cluster.md "Divergence").
 *
 * @see EpochFence
 */
public final class LogMismatchException extends StoreLogException {
    private static final long serialVersionUID = 1L;

    private final long nextOffset;
    private final long epoch;
    private final long epochStart;

    public LogMismatchException(String partition, long offset, long leaderEpoch, long nextOffset, long epoch, long epochStart) {
        super("partition " + partition + ": the record before offset " + offset + " has epoch " + epoch
                + " on this node, the leader's has epoch " + leaderEpoch);
        this.nextOffset = nextOffset;
        this.epoch = epoch;
        this.epochStart = epochStart;
    }

    /** This node's next offset. */
    public long nextOffset() {
        return nextOffset;
    }

    /** The epoch of this node's record before the offset the leader sent. */
    public long epoch() {
        return epoch;
    }

    /** Where that epoch starts in this node's log. */
    public long epochStart() {
        return epochStart;
    }

    @Override
    public String code() {
        return "log_mismatch";
    }
}
