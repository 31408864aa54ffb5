package storelog.core;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;
import storelog.api.InvalidPartitionKeyException;
import storelog.api.InvalidRecordException;
import storelog.api.spi.Connector;
import storelog.api.spi.Message;
import storelog.api.spi.Subscription;

/**
 * The connector handler (GoStoreLog's pub/sub handler): subscribes to {@code CONNECTOR_TOPIC} and
 * stores every message of GoStoreLog's shape {@code {"data", "data_type", "partition_key"}} through
 * {@link LogService#publish}, exactly like an HTTP publish. A malformed message (bad JSON, bad type,
 * bad key, reserved key) is logged, counted and skipped; a storage failure is rethrown, so a
 * broker-backed connector does not acknowledge the message and delivers it again.
 */
public final class ConnectorIngest implements AutoCloseable {

    private static final Logger LOG = System.getLogger(ConnectorIngest.class.getName());

    private final LogService log;
    private final WireFormat wire;
    private final LongAdder stored = new LongAdder();
    private final LongAdder malformed = new LongAdder();
    private final Subscription subscription;

    private ConnectorIngest(Connector connector, String topic, LogService log, WireFormat wire) {
        this.log = log;
        this.wire = wire;
        this.subscription = connector.subscribe(topic, this::handle);
    }

    /** Subscribes to {@code topic} and starts storing its messages. */
    public static ConnectorIngest start(Connector connector, String topic, LogService log, WireFormat wire) {
        return new ConnectorIngest(connector, topic, log, wire);
    }

    private void handle(Message message) {
        WireFormat.PublishMessage parsed;
        try {
            parsed = wire.publish(message.payload());
            log.publish(parsed.partition(), parsed.payload());
        } catch (BadRequestException | InvalidRecordException | InvalidPartitionKeyException e) {
            malformed.increment();
            LOG.log(Level.WARNING, "skipping malformed message from {0}: {1}", message.source(), e.getMessage());
            return;
        }
        stored.increment();
    }

    /** Counters for {@code /metrics}. */
    public Map<String, Long> metrics() {
        return Map.of("connector_messages_stored_total", stored.sum(), "connector_messages_malformed_total", malformed.sum());
    }

    @Override
    public void close() {
        subscription.close();
    }
}
