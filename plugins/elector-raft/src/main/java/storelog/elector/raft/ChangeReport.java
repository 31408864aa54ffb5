package storelog.elector.raft;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import storelog.api.spi.ElectionListener;
import storelog.api.spi.LeaderElector;
import storelog.api.spi.Leadership;

/**
 * Tells the election listener when the elector's role, leader, epoch, usability or take-over changed
 * since it was last told, and logs a change of leadership or take-over. Elector thread only.
 */
final class ChangeReport {

    private static final Logger LOG = System.getLogger(ChangeReport.class.getName());

    private final String nodeId;
    private final LeaderElector elector;
    private final ElectionListener listener;
    private Snapshot reported;

    /** What the listener was last told about. */
    private record Snapshot(Leadership leadership, boolean usable, boolean tookOver) {
    }

    ChangeReport(String nodeId, LeaderElector elector, ElectionListener listener) {
        this.nodeId = nodeId;
        this.elector = elector;
        this.listener = listener;
    }

    /** Reads the elector's state now and calls the listener if it changed; a failing listener is logged. */
    void report() {
        Snapshot now = new Snapshot(elector.leadership(), elector.usable(), elector.tookOver());
        if (now.equals(reported)) {
            return;
        }
        Snapshot before = reported;
        reported = now;
        if (before == null || !before.leadership().equals(now.leadership()) || before.tookOver() != now.tookOver()) {
            LOG.log(Level.INFO, "raft elector {0}: {1} {2} epoch {3}{4}", nodeId, now.leadership().role(),
                    now.leadership().leaderId().orElse("-"), now.leadership().epoch(), now.tookOver() ? " (Raft has taken over)" : "");
        }
        try {
            listener.changed(elector);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "raft elector {0}: the election listener failed: {1}", nodeId, e);
        }
    }
}
