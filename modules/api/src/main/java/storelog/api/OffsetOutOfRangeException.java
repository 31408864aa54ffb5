package storelog.api;

/** A read asked for an offset that the partition does not hold (negative, or at/after its end). */
public class OffsetOutOfRangeException extends StoreLogException {
    private static final long serialVersionUID = 1L;

    private final PartitionKey partition;
    private final long offset;
    private final long nextOffset;

    public OffsetOutOfRangeException(PartitionKey partition, long offset, long nextOffset) {
        super("offset " + offset + " is out of range for partition " + partition
                + " (it holds offsets 0 to " + (nextOffset - 1) + ")");
        this.partition = partition;
        this.offset = offset;
        this.nextOffset = nextOffset;
    }

    public PartitionKey partition() {
        return partition;
    }

    public long offset() {
        return offset;
    }

    /** The partition's next offset when the read was refused. */
    public long nextOffset() {
        return nextOffset;
    }

    @Override
    public String code() {
        return "offset_out_of_range";
    }
}
