package storelog.api;

/**
 * Storage failed in a way it is not safe to continue from, such as a failed fsync (the page cache can
 * no longer be trusted) or an I/O error. The append was not acknowledged; the partition refuses further
 * appends until the engine is reopened, which recovers it from what is on disk.
 */
public class StorageFailedException extends StoreLogException {
    private static final long serialVersionUID = 1L;

    public StorageFailedException(String message, Throwable cause) {
        super(message, cause);
    }

    public StorageFailedException(String message) {
        super(message);
    }

    @Override
    public String code() {
        return "storage_failed";
    }
}
