package storelog.api;

/** A read named a partition that holds no records. */
public class UnknownPartitionException extends StoreLogException {
    private static final long serialVersionUID = 1L;

    private final PartitionKey partition;

    public UnknownPartitionException(PartitionKey partition) {
        super("partition " + partition + " does not exist");
        this.partition = partition;
    }

    public PartitionKey partition() {
        return partition;
    }

    @Override
    public String code() {
        return "unknown_partition";
    }
}
