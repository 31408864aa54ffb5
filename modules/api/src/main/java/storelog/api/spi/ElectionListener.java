package storelog.api.spi;

/** Receives a {@link LeaderElector}'s events, in order, on the elector's thread. */
@FunctionalInterface
public interface ElectionListener {

    /**
     * Something changed: role, leader, epoch, {@link LeaderElector#usable()} or
     * {@link LeaderElector#tookOver()}. The listener reads the new state from the elector. Must not block.
     */
    void changed(LeaderElector elector);
}
