package storelog.elector.raft;

import storelog.api.spi.ElectionContext;
import storelog.api.spi.LeaderElector;
import storelog.api.spi.LeaderElectorProvider;

/**
 * The {@code raft} elector: a Raft group of the cluster's members over Apache Ratis (docs/cluster.md
 * "Raft"). A drop-in plugin folder, {@code target/plugin/elector-raft/}, loaded class-path style (its
 * {@code class-path-plugin} marker): Ratis splits packages across jars, so it cannot be a module layer.
 */
public final class RaftElectorProvider implements LeaderElectorProvider {

    public RaftElectorProvider() {
        // found by ServiceLoader
    }

    @Override
    public String name() {
        return "raft";
    }

    /** @throws storelog.api.InvalidSettingException when a setting or this node's Raft address is unusable */
    @Override
    public LeaderElector open(ElectionContext context) {
        return new RaftElector(context);
    }
}
