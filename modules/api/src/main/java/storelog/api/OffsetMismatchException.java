package storelog.api;

/**
 * An append at an explicit offset (replication) did not match the partition's next offset. The
 * sender uses {@link #nextOffset()} to back-fill or to find the last common offset.
 */
public class OffsetMismatchException extends StoreLogException {
    private static final long serialVersionUID = 1L;

    private final PartitionKey partition;
    private final long expectedOffset;
    private final long nextOffset;

    public OffsetMismatchException(PartitionKey partition, long expectedOffset, long nextOffset) {
        super("partition " + partition + " is at offset " + nextOffset + ", not " + expectedOffset);
        this.partition = partition;
        this.expectedOffset = expectedOffset;
        this.nextOffset = nextOffset;
    }

    public PartitionKey partition() {
        return partition;
    }

    /** The offset the caller wanted to append at. */
    public long expectedOffset() {
        return expectedOffset;
    }

    /** The offset the partition will give its next record. */
    public long nextOffset() {
        return nextOffset;
    }

    @Override
    public String code() {
        return "offset_mismatch";
    }
}
