package storelog.api.spi;

/**
 * Elects one leader among the cluster's nodes (DESIGN.md §6).
 *
 * <h2>Contract</h2>
 * <ul>
 *   <li><b>Epochs.</b> Every leadership carries an epoch (fencing token) that increases with every
 *       new leader term and never decreases as seen by one node. Followers refuse replication from
 *       epochs lower than the highest they have seen.</li>
 *   <li><b>Events.</b> Changes go to the {@link ElectionListener} in order, one at a time, on the
 *       elector's own thread. A node that loses its lease or cannot confirm it is told
 *       {@link Leadership.Role#CANDIDATE} before another node can be told it leads.</li>
 *   <li><b>Unavailability.</b> When its backend cannot be reached, {@link #start} throws
 *       {@link ElectorUnavailableException} (so the next elector in {@code ELECTOR} is tried);
 *       after a successful start the listener's {@link ElectionListener#onUnavailable} is called.</li>
 *   <li><b>Threading.</b> All methods are thread-safe. {@link #close()} resigns first.</li>
 * </ul>
 */
public interface LeaderElector extends AutoCloseable {

    /**
     * Joins the election and starts campaigning.
     *
     * @throws ElectorUnavailableException when the backend (Redis, the Raft group) cannot be reached
     */
    void start(ElectionListener listener);

    /** The latest leadership this node knows. */
    Leadership leadership();

    /** Gives up leadership if held, so another node can take over at once; keeps following. */
    void resign();

    @Override
    void close();
}
