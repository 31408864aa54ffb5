package storelog.elector.redis;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.OptionalLong;
import java.util.concurrent.ScheduledFuture;
import java.util.function.Supplier;
import storelog.api.spi.ElectionListener;
import storelog.api.spi.LeaderElector;
import storelog.api.spi.Leadership;

/**
 * Tells the election listener when what it can read changed (leadership, usability), and keeps a
 * timer on the elector thread for the next change by time alone ({@link LeaseState#nextChangeAfter}:
 * a lease deadline or a hold passing), so the step-down event comes on time whatever Redis does.
 * Elector thread only.
 */
final class ListenerReport {

    private static final Logger LOG = System.getLogger(ListenerReport.class.getName());

    private final String nodeId;
    private final LeaderElector elector;
    private final ElectionListener listener;
    private final Supplier<LeaseState> state;
    private final LeaseThreads threads;
    private Leadership told;
    private boolean toldUsable;
    private ScheduledFuture<?> tick;

    ListenerReport(String nodeId, LeaderElector elector, ElectionListener listener, Supplier<LeaseState> state, LeaseThreads threads) {
        this.nodeId = nodeId;
        this.elector = elector;
        this.listener = listener;
        this.state = state;
        this.threads = threads;
    }

    /** Tells the listener if what it can read changed, and sets the timer for the next change by time alone. */
    void changed() {
        Leadership current = elector.leadership();
        boolean usable = elector.usable();
        if (!current.equals(told) || usable != toldUsable) {
            if (told == null || current.role() != told.role() || !current.leaderId().equals(told.leaderId())) {
                LOG.log(Level.INFO, "node {0}: {1}{2}, epoch {3}", nodeId, current.role(),
                        current.role() == Leadership.Role.FOLLOWER ? " of " + current.leaderId().orElseThrow() : "",
                        current.epoch());
            }
            told = current;
            toldUsable = usable;
            try {
                listener.changed(elector);
            } catch (RuntimeException e) {
                LOG.log(Level.ERROR, "node " + nodeId + ": the election listener failed", e);
            }
        }
        if (tick != null) {
            tick.cancel(false);
        }
        long now = System.nanoTime();
        OptionalLong next = state.get().nextChangeAfter(now);
        tick = next.isPresent() ? threads.later(this::changed, next.getAsLong() - now) : null; // fires at or after it
    }
}
