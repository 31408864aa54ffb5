package storelog.api;

/** A partition key is empty, too long, not valid UTF-8, or reserved for internal partitions. */
public class InvalidPartitionKeyException extends StoreLogException {
    private static final long serialVersionUID = 1L;

    public InvalidPartitionKeyException(String message) {
        super(message);
    }

    @Override
    public String code() {
        return "invalid_partition_key";
    }
}
