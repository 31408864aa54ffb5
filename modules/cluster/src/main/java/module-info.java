/**
 * The node's cluster life (DESIGN.md §6, docs/cluster.md): runs the discovery plugins and the elector
 * chain, keeps the highest epoch this node has seen on disk, and implements
 * {@link storelog.core.ClusterView} for {@code /status} and the leader check. Plugins are reached
 * only through the SPIs of {@code storelog.api.spi}; none is known by name.
 */
module storelog.cluster {
    requires transitive storelog.core;
    requires java.net.http; // node-to-node calls of the leader (replication, the gap check)
    requires com.fasterxml.jackson.core; // their JSON, streamed

    exports storelog.cluster;
}
