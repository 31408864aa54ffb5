package storelog.core;

import storelog.api.StoreLogException;

/**
 * {@code ACKS=all}: fewer nodes than {@code MIN_INSYNC} hold, or can hold, a write (503
 * {@code not_enough_replicas}). Thrown before storing (nothing stored) or after (stored on the
 * leader only, not acknowledged: the message says which).
 */
public final class NotEnoughReplicasException extends StoreLogException {
    private static final long serialVersionUID = 1L;

    public NotEnoughReplicasException(String message) {
        super(message);
    }

    @Override
    public String code() {
        return "not_enough_replicas";
    }
}
