package storelog.elector.raft;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.server.RaftConfiguration;

/**
 * The Raft leader's membership upkeep (docs/cluster.md "Forming the group"): members that appear in
 * discovery's view with a Raft address are added to the group; peers missing from the view for longer
 * than {@code RAFT_REMOVE_AFTER_MS} (counted from when this leader first saw them missing) are removed;
 * a peer whose advertised address changed is updated. One reconfiguration at a time, through Ratis
 * {@code setConfiguration} (which first lets new peers catch up). Used by the elector thread only.
 */
final class PeerReconciler {

    private static final Logger LOG = System.getLogger(PeerReconciler.class.getName());

    private final String nodeId;
    private final long removeAfterNanos;
    private final Map<String, Long> missingSince = new HashMap<>();
    private CompletableFuture<?> inFlight = CompletableFuture.completedFuture(null);

    PeerReconciler(String nodeId, Duration removeAfter) {
        this.nodeId = nodeId;
        this.removeAfterNanos = removeAfter.toNanos();
    }

    /**
     * Compares the group's configuration with the view at {@code now} and, when they differ as above,
     * starts one reconfiguration through {@code node} (the leader).
     */
    void reconcile(RaftNode node, RaftConfiguration conf, Map<String, RaftPeer> view, long now) {
        if (!inFlight.isDone() || !conf.getPreviousPeers().isEmpty()) {
            return; // one change at a time; Ratis is still between two configurations
        }
        Collection<RaftPeer> current = conf.getCurrentPeers();
        Set<String> inConf = new HashSet<>();
        List<RaftPeer> next = new ArrayList<>();
        List<String> changes = new ArrayList<>();
        for (RaftPeer peer : current) {
            String id = peer.getId().toString();
            inConf.add(id);
            RaftPeer seen = view.get(id);
            if (seen != null || id.equals(nodeId)) {
                missingSince.remove(id);
                if (seen != null && !seen.getAddress().equals(peer.getAddress())) {
                    changes.add("moved " + RaftPeers.describe(peer) + " to " + seen.getAddress());
                    next.add(seen);
                } else {
                    next.add(peer);
                }
            } else if (now - missingSince.computeIfAbsent(id, k -> now) >= removeAfterNanos) {
                changes.add("removed " + RaftPeers.describe(peer) + " (gone from the view)");
            } else {
                next.add(peer);
            }
        }
        missingSince.keySet().retainAll(inConf);
        for (RaftPeer peer : view.values()) {
            if (!inConf.contains(peer.getId().toString())) {
                changes.add("added " + RaftPeers.describe(peer));
                next.add(peer);
            }
        }
        if (changes.isEmpty()) {
            return;
        }
        LOG.log(Level.INFO, "raft elector {0}: reconfiguring the Raft group: {1}; peers {2}", nodeId, changes, RaftPeers.describe(next));
        inFlight = node.setConfiguration(next).whenComplete((reply, failure) -> {
            if (failure != null || !reply.isSuccess()) {
                LOG.log(Level.WARNING, "raft elector {0}: reconfiguration {1} failed, will retry: {2}", nodeId, changes,
                        failure != null ? failure : reply.getException());
            }
        });
    }
}
