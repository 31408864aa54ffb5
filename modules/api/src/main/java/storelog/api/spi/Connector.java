package storelog.api.spi;

/**
 * A pub/sub connector (GoStoreLog's connector): topics carry opaque messages from publishers to
 * subscribers. StoreLog's core subscribes to {@code CONNECTOR_TOPIC} and stores every message of
 * GoStoreLog's shape {@code {"data", "data_type", "partition_key"}}.
 *
 * <h2>Contract</h2>
 * <ul>
 *   <li><b>Ordering.</b> One subscription receives a topic's messages one at a time, in the order the
 *       connector received them (per partition of the topic, for partitioned brokers).</li>
 *   <li><b>Delivery.</b> A message counts as handled when {@link MessageHandler#handle} returns.
 *       Connectors backed by a broker acknowledge or commit only then, so a restart neither loses
 *       nor re-delivers handled messages. A handler that throws never ends the subscription: the
 *       connector logs the failure (once per streak), counts it, and then either delivers the same
 *       message again after a back-off (connectors backed by a broker: nothing is lost) or goes on
 *       with the next message (in-process connectors, which have nowhere to keep it). StoreLog's
 *       handler returns normally for malformed messages (it counts and skips them) and throws only
 *       when storage fails.</li>
 *   <li><b>Backpressure.</b> {@link #publish} may block while a topic is full; it never drops a
 *       message silently. Each connector documents its limits.</li>
 *   <li><b>Threading.</b> All methods are thread-safe. Handlers run on the connector's own threads,
 *       never on the publisher's.</li>
 *   <li><b>Lifecycle.</b> {@link #close()} stops delivery (after the message in hand) and releases
 *       resources; further calls throw {@link IllegalStateException}.</li>
 * </ul>
 */
public interface Connector extends AutoCloseable {

    /**
     * Publishes one message.
     *
     * @throws ConnectorException when the message cannot be accepted (full past the connector's
     *                            wait limit, broker unreachable)
     */
    void publish(String topic, byte[] message);

    /** Starts delivering a topic's messages to {@code handler}, until the subscription is closed. */
    Subscription subscribe(String topic, MessageHandler handler);

    /**
     * The connector's counters for {@code /metrics}, by snake_case name (for example
     * {@code published_total}, {@code delivered_total}, {@code handler_failures_total}, {@code queued}).
     * Thread-safe; a snapshot.
     */
    default java.util.Map<String, Long> metrics() {
        return java.util.Map.of();
    }

    @Override
    void close();
}
