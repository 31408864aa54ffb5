package storelog.api.spi;

/**
 * Elects one leader among the cluster's nodes (DESIGN.md §6). {@code ELECTOR} lists electors in
 * order of preference; the node runs all of them and uses one at a time (the <em>active</em> one):
 * the first, unless a later one has {@linkplain #tookOver() taken over} from it.
 *
 * <h2>Contract</h2>
 * <ul>
 *   <li><b>Epochs.</b> Every leadership carries an epoch (fencing token). An elector issues each
 *       epoch to at most one node, only epochs of its own residue class
 *       ({@link ElectionContext#nextEpochAbove}), and each above the winner's
 *       {@link ElectionContext#highestEpoch()}. Followers refuse replication from epochs lower than
 *       the highest they have seen.</li>
 *   <li><b>Safety of {@link #leadership()}.</b> It answers {@link Leadership.Role#LEADER} only while
 *       this node certainly still holds the leadership, checked against a monotonic clock on every
 *       call: a leader that cannot confirm its lease answers {@code CANDIDATE} before another node can
 *       have been told it leads (a clock-safe margin), also after the process was paused.</li>
 *   <li><b>Campaigning.</b> After {@link #start} an elector follows (reports who leads through its
 *       backend) but campaigns only after {@link #activate()}; {@link #standBy()} stops campaigning and
 *       gives up leadership at once if held. Both are cheap and may be called repeatedly.</li>
 *   <li><b>Backend outages.</b> {@link #start} does not fail because the backend (Redis, the Raft
 *       peers) is unreachable: the elector keeps trying in the background, reports
 *       {@link #usable()} {@code false}, and a leader steps down as the lease rule says. It throws
 *       {@link storelog.api.InvalidSettingException} for unusable settings, a port that is taken
 *       included (naming the variable, e.g. {@code RAFT_PORT}), and
 *       {@link ElectorUnavailableException} when it cannot run at all for another reason.</li>
 *   <li><b>Events.</b> Changes (role, leader, epoch, usability, take-over) go to the
 *       {@link ElectionListener} in order, one at a time, on the elector's own thread; the listener
 *       reads the new state from the elector's methods.</li>
 *   <li><b>Threading.</b> All methods are thread-safe and do not block on the backend except
 *       {@link #start} and {@link #close()}. {@link #close()} resigns first (releases a lease it still
 *       owns) and stops every thread it started.</li>
 * </ul>
 */
public interface LeaderElector extends AutoCloseable {

    /** Connects to the backend (in the background when it does not answer yet) and starts following. */
    void start(ElectionListener listener);

    /** Campaign for leadership from now on: the node uses this elector. */
    void activate();

    /** Stop campaigning and give up leadership at once if held; keep following. */
    void standBy();

    /** This node's role, the leader it knows and the epoch, as of now (see the safety rule above). */
    Leadership leadership();

    /** Whether the backend answered recently enough for this elector to elect or confirm a leader now. */
    boolean usable();

    /**
     * Whether this elector has taken over from the electors before it in {@code ELECTOR}: the cluster
     * agreed through this elector that they cannot be used, and this elector decides the leadership
     * until it hands back. An elector that never takes over (e.g. a lease on an outside store)
     * answers false.
     */
    default boolean tookOver() {
        return false;
    }

    /**
     * The node has seen {@code epoch} (from another elector, or a follower's {@code stale_epoch}
     * answer): epochs this elector issues from now on must be higher. Does not block.
     */
    default void epochSeen(long epoch) {
    }

    /** Gives up leadership if held, so another node can take over at once; keeps campaigning if active. */
    void resign();

    @Override
    void close();
}
