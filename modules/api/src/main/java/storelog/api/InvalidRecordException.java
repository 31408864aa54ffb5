package storelog.api;

/** A record does not fit the rules: unknown data type code, payload not of its type, too large. */
public class InvalidRecordException extends StoreLogException {
    private static final long serialVersionUID = 1L;

    public InvalidRecordException(String message) {
        super(message);
    }

    @Override
    public String code() {
        return "invalid_record";
    }
}
