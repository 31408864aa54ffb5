package storelog.core;

import storelog.api.StoreLogException;

/** A node-to-node request only a follower accepts reached a leader, a candidate or a standalone node (403). */
public final class NotAFollowerException extends StoreLogException {
    private static final long serialVersionUID = 1L;

    public NotAFollowerException(String message) {
        super(message);
    }

    @Override
    public String code() {
        return "not_a_follower";
    }
}
