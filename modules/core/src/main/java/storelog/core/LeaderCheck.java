package storelog.core;

import storelog.api.spi.Leadership;

/**
 * Whether this node may accept writes from clients now: the leader check of every publish (DESIGN.md
 * §8), asked at the moment of writing. Thread-safe; must not block.
 */
@FunctionalInterface
public interface LeaderCheck {

    /** A standalone node leads itself, in epoch 0. */
    LeaderCheck STANDALONE = () -> 0;

    /**
     * Returns when this node leads now, with the epoch its writes are stamped with.
     *
     * @throws NotLeaderException naming the leader's address when known
     */
    long requireLeader();

    /** The check of a cluster view: its leadership as of each call. */
    static LeaderCheck of(ClusterView cluster) {
        return () -> {
            Leadership now = cluster.leadership();
            if (now.role() != Leadership.Role.LEADER) {
                throw new NotLeaderException(cluster.nodeId(), cluster.leaderHttp());
            }
            return now.epoch();
        };
    }
}
