package storelog.server;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import storelog.api.spi.Leadership;
import storelog.core.ConnectorIngest;

/**
 * The connector handler of a clustered node: subscribed only while the node leads, so only the
 * leader takes messages in (a follower would refuse every one with {@code not_leader}, and a
 * broker-backed connector would deliver it again and again). Subscribing and unsubscribing run on a
 * thread of their own, in the order the leadership changed, never on the elector's thread.
 *
 * <p>Thread-safe. The counters add up across subscriptions.
 */
final class LeaderOnlyIngest implements AutoCloseable {

    private static final Logger LOG = System.getLogger(LeaderOnlyIngest.class.getName());

    private final Supplier<ConnectorIngest> subscribe;
    private final ExecutorService switches = Executors.newSingleThreadExecutor(
            Thread.ofPlatform().name("storelog-ingest-switch").daemon().factory());
    private final Map<String, Long> earlier = new HashMap<>();
    private ConnectorIngest current;
    private boolean closed;

    LeaderOnlyIngest(Supplier<ConnectorIngest> subscribe) {
        this.subscribe = subscribe;
    }

    /** Subscribes when {@code leadership} makes this node leader, unsubscribes when it no longer does. */
    void leadershipChanged(Leadership leadership) {
        boolean leads = leadership.role() == Leadership.Role.LEADER;
        switches.execute(() -> apply(leads));
    }

    private synchronized void apply(boolean leads) {
        if (closed || leads == (current != null)) {
            return;
        }
        try {
            if (leads) {
                current = subscribe.get();
                LOG.log(Level.INFO, "leading: the connector handler takes messages in");
            } else {
                stop();
                LOG.log(Level.INFO, "not leading: the connector handler stopped taking messages in");
            }
        } catch (RuntimeException e) {
            LOG.log(Level.ERROR, "switching the connector handler failed", e);
        }
    }

    private void stop() {
        ConnectorIngest ingest = current;
        current = null;
        ingest.metrics().forEach((k, v) -> earlier.merge(k, v, Long::sum));
        ingest.close();
    }

    synchronized Map<String, Long> metrics() {
        Map<String, Long> all = new HashMap<>(earlier);
        if (current != null) {
            current.metrics().forEach((k, v) -> all.merge(k, v, Long::sum));
        }
        all.putIfAbsent("connector_messages_stored_total", 0L);
        all.putIfAbsent("connector_messages_malformed_total", 0L);
        return all;
    }

    @Override
    public void close() {
        synchronized (this) {
            closed = true;
            if (current != null) {
                stop();
            }
        }
        switches.shutdownNow();
        try {
            switches.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
