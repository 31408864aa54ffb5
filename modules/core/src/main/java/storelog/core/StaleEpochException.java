package storelog.core;

import storelog.api.StoreLogException;

/** Replication from a leader whose epoch is below the highest this node has seen: a deposed leader is fenced. */
public final class StaleEpochException extends StoreLogException {
    private static final long serialVersionUID = 1L;

    private final long epoch;
    private final long highest;

    public StaleEpochException(long epoch, long highest) {
        super("epoch " + epoch + " is stale: this node has seen epoch " + highest);
        this.epoch = epoch;
        this.highest = highest;
    }

    public long epoch() {
        return epoch;
    }

    /** The highest epoch this node has seen. */
    public long highest() {
        return highest;
    }

    @Override
    public String code() {
        return "stale_epoch";
    }
}
