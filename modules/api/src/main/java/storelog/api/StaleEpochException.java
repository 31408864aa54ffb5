package storelog.api;


/**
 * A write carries a leader epoch below one already seen: below the highest epoch this node has seen
 * (replication from a deposed leader, which is fenced), or below the epoch of records a partition
 * already holds (a storage engine never stores an older epoch after a newer one).
 */
public final class StaleEpochException extends StoreLogException {
    private static final long serialVersionUID = 1L;

    private final long epoch;
    private final long highest;

    public StaleEpochException(long epoch, long highest) {
        this("epoch " + epoch + " is stale: this node has seen epoch " + highest, epoch, highest);
    }

    public StaleEpochException(String message, long epoch, long highest) {
        super(message);
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
