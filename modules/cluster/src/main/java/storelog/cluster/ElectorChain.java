package storelog.cluster;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import storelog.api.spi.LeaderElector;
import storelog.api.spi.Leadership;

/**
 * The electors of {@code ELECTOR}, in order, used one at a time (docs/cluster.md "Election: the
 * chain"): the active one is the first, unless a later one has taken over; only the active one
 * campaigns, the others stand by and follow.
 *
 * <p>Epochs pass through here before anyone acts on them: a leadership whose epoch is above the
 * node's checkpoint is written to the checkpoint first (durably), and every elector is told; a
 * leadership whose epoch is below the checkpoint is not acted on (this node answers candidate and the
 * elector is made to resign, so it campaigns again above what the node has seen), and a leader named
 * with an epoch below the checkpoint is not followed (candidate, leader unknown).
 *
 * <p>Thread-safe: electors report on their own threads; {@link #leadership()} may be called by any
 * thread (it is the leader check of every publish) and takes no lock unless an epoch must be written.
 */
final class ElectorChain implements AutoCloseable {

    private static final Logger LOG = System.getLogger(ElectorChain.class.getName());
    private static final Leadership NOBODY = new Leadership(Leadership.Role.CANDIDATE, Optional.empty(), 0);

    private final List<Plugin<LeaderElector>> electors;
    private final EpochCheckpoint checkpoint;
    private final Consumer<Leadership> onChange;
    private volatile int active = -1;
    private volatile long resignedBelow;
    private Leadership last = NOBODY;

    ElectorChain(List<Plugin<LeaderElector>> electors, EpochCheckpoint checkpoint, Consumer<Leadership> onChange) {
        if (electors.isEmpty()) {
            throw new IllegalArgumentException("no electors");
        }
        this.electors = List.copyOf(electors);
        this.checkpoint = checkpoint;
        this.onChange = onChange;
    }

    /** Starts every elector in order; if one fails, the started ones are closed and the failure thrown. */
    void start() {
        List<Plugin<LeaderElector>> started = new ArrayList<>();
        try {
            for (Plugin<LeaderElector> plugin : electors) {
                plugin.run(() -> plugin.instance().start(elector -> changed()));
                started.add(plugin);
            }
        } catch (RuntimeException | Error e) {
            started.reversed().forEach(ElectorChain::closeQuietly);
            throw e;
        }
        changed();
    }

    /** The index in {@code ELECTOR} of the elector that decides now: the last that took over, else the first. */
    private int choose() {
        for (int i = electors.size() - 1; i > 0; i--) {
            if (electors.get(i).instance().tookOver()) {
                return i;
            }
        }
        return 0;
    }

    /** Re-evaluates after any elector's event: switches the active elector, raises the checkpoint, reports. */
    synchronized void changed() {
        int chosen = choose();
        if (chosen != active) {
            int previous = active;
            if (previous >= 0) {
                electors.get(previous).instance().standBy();
            }
            active = chosen;
            electors.get(chosen).instance().activate();
            LOG.log(Level.WARNING, previous < 0 ? "elector {1} is active" : "elector {1} is active now, instead of {0}",
                    previous < 0 ? "" : electors.get(previous).name(), electors.get(chosen).name());
        }
        for (Plugin<LeaderElector> plugin : electors) {
            long epoch = plugin.instance().leadership().epoch();
            if (epoch > checkpoint.highest()) {
                raise(epoch);
            }
        }
        Leadership now = leadership();
        if (!now.equals(last)) {
            LOG.log(Level.INFO, "leadership: {0}, leader {1}, epoch {2} (elector {3})", now.role(),
                    now.leaderId().orElse("unknown"), now.epoch(), activeName());
            last = now;
            onChange.accept(now);
        }
    }

    /**
     * This node's leadership as of now, through the active elector; the epoch is never below the
     * highest this node has seen (and a leader with a lower one does not lead).
     */
    Leadership leadership() {
        int index = active;
        if (index < 0) {
            return NOBODY;
        }
        LeaderElector elector = electors.get(index).instance();
        Leadership l = elector.leadership();
        long highest = checkpoint.highest();
        if (l.epoch() > highest) {
            raise(l.epoch()); // durable before anyone acts on it
            highest = checkpoint.highest();
        }
        if (l.role() == Leadership.Role.LEADER && l.epoch() < highest) {
            if (resignedBelow != highest) {
                resignedBelow = highest;
                LOG.log(Level.WARNING, "elector {0} made this node leader with epoch {1}, below the epoch {2} it has seen: resigning",
                        electors.get(index).name(), l.epoch(), highest);
                elector.resign();
            }
            return new Leadership(Leadership.Role.CANDIDATE, Optional.empty(), highest);
        }
        if (l.role() == Leadership.Role.FOLLOWER && l.epoch() < highest) {
            // the leader the elector names is older than a leadership this node has seen (a lease restored
            // with older data, a deposed leader the elector has not noticed yet): shown with the higher
            // epoch it would pass for the leader of that epoch, and routed to it would be a client's writes
            return new Leadership(Leadership.Role.CANDIDATE, Optional.empty(), highest);
        }
        return new Leadership(l.role(), l.leaderId(), Math.max(l.epoch(), highest));
    }

    /** A higher epoch seen outside the electors (a follower's {@code stale_epoch} answer): kept, and every elector told. */
    void epochSeen(long epoch) {
        if (epoch > checkpoint.highest()) {
            raise(epoch);
        }
    }

    private synchronized void raise(long epoch) {
        if (checkpoint.raise(epoch)) {
            for (Plugin<LeaderElector> plugin : electors) {
                plugin.instance().epochSeen(epoch);
            }
        }
    }

    /** The name of the elector that decides now. */
    String activeName() {
        int index = active;
        return index < 0 ? electors.getFirst().name() : electors.get(index).name();
    }

    /** Whether elector {@code index} has a usable elector before it in the chain (its {@code earlierUsable}). */
    boolean earlierUsable(int index) {
        for (int i = 0; i < index; i++) {
            if (electors.get(i).instance().usable()) {
                return true;
            }
        }
        return false;
    }

    @Override
    public void close() {
        electors.reversed().forEach(ElectorChain::closeQuietly);
    }

    private static void closeQuietly(Plugin<LeaderElector> plugin) {
        try {
            plugin.run(() -> plugin.instance().close());
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "closing elector " + plugin.name() + " failed", e);
        }
    }
}
