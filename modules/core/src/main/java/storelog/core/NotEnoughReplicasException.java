package storelog.core;

import storelog.api.StoreLogException;

/**
 * {@code ACKS=all}: fewer nodes than {@code MIN_INSYNC} hold, or can hold, a write (503
 * {@code not_enough_replicas}). Thrown before storing (nothing stored) or after (stored on the
 * leader only, not acknowledged: its outcome is unknown, a later leader may keep it or not);
 * {@link #stored()} says which, and the HTTP answer carries it as {@code "stored"}.
 */
public final class NotEnoughReplicasException extends StoreLogException {
    private static final long serialVersionUID = 1L;

    private final boolean stored;

    public NotEnoughReplicasException(String message, boolean stored) {
        super(message);
        this.stored = stored;
    }

    /** Whether the write was stored on this node before the rule failed (its outcome is then unknown). */
    public boolean stored() {
        return stored;
    }

    @Override
    public String code() {
        return "not_enough_replicas";
    }
}
