package storelog.core;

import java.util.List;
import java.util.Optional;
import storelog.api.spi.Leadership;
import storelog.api.spi.Member;

/**
 * What a node knows of its cluster, for {@code /status}, {@code /gaps} and the leader check.
 * Implementations are thread-safe; each call returns a consistent snapshot of its own value.
 */
public interface ClusterView {

    /**
     * Whether this node runs in a cluster ({@link ClusterMode}); a standalone node refuses
     * node-to-node requests.
     */
    boolean clustered();

    /** This node's id ({@code NODE_ID}). */
    String nodeId();

    /** This node's role, the leader it knows and the epoch. */
    Leadership leadership();

    /** The leader's HTTP address ({@code host:port}), when known. */
    Optional<String> leaderHttp();

    /** The name of the elector in use, or {@code none} for a standalone node. */
    String elector();

    /** The members, this node included. */
    List<Member> members();

    /**
     * Whether this node was elected leader but does not take client writes yet: it is catching up
     * from the other members (docs/cluster.md). False on followers and standalone nodes.
     */
    default boolean catchingUp() {
        return false;
    }

    /** The latest gap per (follower, partition) seen by the leader; empty on followers and standalone nodes. */
    List<GapObservation> gaps();
}
