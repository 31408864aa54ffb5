package storelog.api;

/**
 * One entry of a partition's leader-epoch history (Kafka's leader-epoch cache, KIP-101/KIP-279):
 * the records from {@code startOffset} on, up to the next entry's start, were written under leader
 * epoch {@code epoch}. Entries grow in both epoch and start offset. Two logs that hold a record of
 * the same epoch at the same offset hold the same record (each epoch has one leader), so comparing
 * histories finds where two logs diverge.
 *
 * @param epoch       the leader epoch
 * @param startOffset the offset of the first record written under it
 */
public record EpochStart(long epoch, long startOffset) {

    public EpochStart {
        if (epoch < 0 || startOffset < 0) {
            throw new IllegalArgumentException("epoch " + epoch + " from offset " + startOffset);
        }
    }
}
