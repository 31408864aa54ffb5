package storelog.api.spi;

import storelog.api.StoreLogException;

/** An elector cannot run at all on this node (e.g. its port is taken); start-up stops. */
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
