package storelog.core;

import storelog.api.StoreLogException;

/**
 * A reader asked to wait for new records while the node shuts down: it would wait for nothing, so it
 * is told to go elsewhere or come back, instead of being answered "no records yet" over and over.
 */
public final class ShuttingDownException extends StoreLogException {
    private static final long serialVersionUID = 1L;

    public ShuttingDownException() {
        super("the node is shutting down: it waits for no new records; ask another node or retry once it is back");
    }

    @Override
    public String code() {
        return "shutting_down";
    }
}
