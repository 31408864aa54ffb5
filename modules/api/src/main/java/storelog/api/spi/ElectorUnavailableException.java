package storelog.api.spi;

import storelog.api.StoreLogException;

/** An elector's backend (Redis, the Raft group) cannot be reached. */
public class ElectorUnavailableException extends StoreLogException {
    private static final long serialVersionUID = 1L;

    public ElectorUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }

    @Override
    public String code() {
        return "elector_unavailable";
    }
}
