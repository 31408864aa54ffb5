package storelog.api;

/**
 * The disk is full (or a quota is reached). The append failed cleanly: nothing of it is stored, no
 * offset was used, and appends work again once space returns.
 */
public class StorageFullException extends StoreLogException {
    private static final long serialVersionUID = 1L;

    public StorageFullException(String message, Throwable cause) {
        super(message, cause);
    }

    @Override
    public String code() {
        return "storage_full";
    }
}
