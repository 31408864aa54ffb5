package storelog.core;

import storelog.api.StoreLogException;

/**
 * A reader asked to wait for new records while the most readers allowed ({@code MAX_LONG_POLLS})
 * wait already. Nothing is wrong with the request: it may be retried shortly, or read without waiting.
 */
public final class TooManyLongPollsException extends StoreLogException {
    private static final long serialVersionUID = 1L;

    public TooManyLongPollsException(int limit) {
        super(limit + " readers are waiting for new records already (MAX_LONG_POLLS); retry shortly or read without wait_ms");
    }

    @Override
    public String code() {
        return "too_many_long_polls";
    }
}
