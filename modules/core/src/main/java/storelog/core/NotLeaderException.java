package storelog.core;

import java.util.Optional;
import storelog.api.StoreLogException;

/**
 * A write reached a node that is not the leader: the client should send it to the leader, whose
 * HTTP address is given when this node knows it (503 {@code not_leader}, with {@code leader_http}
 * and a {@code Location} header).
 */
public final class NotLeaderException extends StoreLogException {
    private static final long serialVersionUID = 1L;

    private final String leaderHttp;

    public NotLeaderException(String nodeId, Optional<String> leaderHttp) {
        this(nodeId, leaderHttp, "node " + nodeId + " is not the leader; " + leaderHttp.map(l -> "the leader is at " + l)
                .orElse("no leader is known yet, try again shortly"));
    }

    /** With a message of its own (a leader that is not ready yet, say). */
    public NotLeaderException(String nodeId, Optional<String> leaderHttp, String message) {
        super(message);
        this.leaderHttp = leaderHttp.orElse(null);
    }

    /** The leader's HTTP address ({@code host:port}), when known. */
    public Optional<String> leaderHttp() {
        return Optional.ofNullable(leaderHttp);
    }

    @Override
    public String code() {
        return "not_leader";
    }
}
