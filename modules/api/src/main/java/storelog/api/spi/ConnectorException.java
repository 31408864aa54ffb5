package storelog.api.spi;

import storelog.api.StoreLogException;

/** A connector could not accept or deliver a message. */
public class ConnectorException extends StoreLogException {
    private static final long serialVersionUID = 1L;

    public ConnectorException(String message, Throwable cause) {
        super(message, cause);
    }

    @Override
    public String code() {
        return "connector_failed";
    }
}
