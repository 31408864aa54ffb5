package storelog.core;

/**
 * Whether a leader epoch carried by a replication request may be believed, asked before the node
 * remembers it as the highest epoch it has seen. An epoch once remembered fences every lower one,
 * so believing a forged or corrupted huge epoch would fence every real leader for good.
 *
 * <p>{@link #BOUNDS} is what a node can tell alone. A node with an elector checks more: the cluster
 * passes {@link LogService} a check that also refuses epochs its elector does not know of (above the
 * elector's current epoch), after {@code BOUNDS}. Implementations are thread-safe.
 */
@FunctionalInterface
public interface EpochCheck {

    /**
     * The largest epoch: the largest integer every JSON reader holds exactly. No elector comes near
     * it (one election a millisecond would take 285,000 years).
     */
    long MAX_EPOCH = (1L << 53) - 1;

    /** Epochs from 0 to {@link #MAX_EPOCH}. */
    EpochCheck BOUNDS = (epoch, highestSeen) -> {
        if (epoch < 0 || epoch > MAX_EPOCH) {
            throw new BadRequestException("invalid_epoch", "epoch " + epoch + " is not a leader epoch: expected 0 to " + MAX_EPOCH);
        }
    };

    /**
     * Refuses {@code epoch} when it cannot be believed.
     *
     * @param highestSeen the highest epoch this node has seen so far
     * @throws storelog.api.StoreLogException naming why, e.g. a {@link BadRequestException} {@code invalid_epoch}
     */
    void admit(long epoch, long highestSeen);
}
