package storelog.api.spi;

import java.util.Objects;
import java.util.Optional;

/**
 * One node's view of the leadership.
 *
 * @param role     this node's role
 * @param leaderId the leader's node id, when known
 * @param epoch    the leader's term (fencing token); 0 before any leader is known
 */
public record Leadership(Role role, Optional<String> leaderId, long epoch) {

    public Leadership {
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(leaderId, "leaderId");
    }

    /** A node's role. */
    public enum Role {
        LEADER, FOLLOWER, CANDIDATE
    }
}
