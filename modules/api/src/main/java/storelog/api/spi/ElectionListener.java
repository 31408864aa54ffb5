package storelog.api.spi;

/** Receives a {@link LeaderElector}'s events, in order, on the elector's thread. */
public interface ElectionListener {

    /** Leadership changed (role, leader or epoch). */
    void onLeadership(Leadership leadership);

    /** The elector lost its backend; the node should fall back to the next elector. */
    void onUnavailable(String reason, Throwable cause);
}
