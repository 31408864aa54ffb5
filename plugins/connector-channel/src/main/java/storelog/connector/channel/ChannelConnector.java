package storelog.connector.channel;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import storelog.api.spi.Connector;
import storelog.api.spi.ConnectorException;
import storelog.api.spi.MessageHandler;
import storelog.api.spi.Subscription;

/**
 * The {@code channel} connector: in-process topics, created on first use and kept until the
 * connector closes. GoStoreLog's connector of Go channels dropped messages when full; this one keeps
 * its recovery from failing handlers and replaces the drops with backpressure.
 *
 * <h2>Delivery</h2>
 * Each subscription has its own FIFO queue of at most {@code CHANNEL_CAPACITY} messages and its own
 * delivery thread (a virtual thread) that calls the handler for one message at a time. Fan-out: every
 * subscription of a topic receives every message published after it subscribed. Every subscription
 * sees the topic's one order: the order in which {@link #publish} calls entered the topic (publishers
 * take turns first come, first served), so one publisher's messages arrive in its order. Handlers run
 * only on delivery threads, never on a publisher's. Payloads are not copied: the publisher's array is
 * the one every subscription receives, so neither side may modify it.
 *
 * <h2>Backlog</h2>
 * While a topic has no subscription (before the first, or after all have closed), its messages wait
 * in a topic backlog of at most {@code CHANNEL_CAPACITY} messages, and the next subscription receives
 * them first, so messages published before the server's subscriber starts are not lost. Later
 * subscriptions only receive messages published after they subscribed.
 *
 * <h2>Backpressure</h2>
 * A publish waits while any queue it must go to (every subscription's, or the backlog) is full, and
 * while earlier publishes to the topic are still waiting. If it cannot enqueue within
 * {@code CHANNEL_PUBLISH_TIMEOUT_MS} of its call (0: not at all), it throws {@link ConnectorException}
 * naming the topic and the full queue, counts the rejection in {@code rejected_total}, and the message
 * goes to no subscription. A message is never dropped silently: each publish either reaches every
 * target queue or throws.
 *
 * <h2>Failing handlers</h2>
 * A handler that throws an exception or an error (other than a {@link VirtualMachineError}) never
 * stops delivery: the failure is counted in {@code handler_failures_total}, logged as described in
 * {@link HandlerFailures}, and delivery goes on with the next message. A {@link VirtualMachineError}
 * is logged and closes that subscription.
 *
 * <h2>Close</h2>
 * {@link Subscription#close()} stops that subscription after the message in hand; the messages still
 * queued for it are dropped (counted in {@code dropped_total}) and later publishes no longer reach it.
 * It waits up to 5 s for the message in hand, unless called from its own handler. {@link #close()}
 * closes every subscription the same way, drops the backlogs, wakes waiting publishers (which throw
 * {@link IllegalStateException}) and waits up to 5 s in all for the messages in hand; afterwards
 * {@link #publish} and {@link #subscribe} throw {@link IllegalStateException}. Both closes are
 * idempotent.
 *
 * <h2>Metrics</h2>
 * See {@link Counters}; {@code queued} is the number of messages waiting in all queues and backlogs
 * (a message fanned out to two subscriptions counts twice).
 *
 * <p>Thread-safe.
 */
final class ChannelConnector implements Connector {

    private static final Logger LOG = System.getLogger(ChannelConnector.class.getName());

    private final ChannelConfig config;
    private final Counters counters = new Counters();
    private final Map<String, Topic> topics = new ConcurrentHashMap<>();
    /** Set once by {@link #close()}; topics read it under their lock, so nothing slips in after. */
    private final AtomicBoolean closed = new AtomicBoolean();

    ChannelConnector(ChannelConfig config) {
        this.config = config;
    }

    /**
     * Publishes {@code message} (not copied) to every subscription of {@code topic}, or to its backlog.
     *
     * @throws IllegalArgumentException when the topic is null or blank, or the message is null
     * @throws ConnectorException       when a queue stays full past {@code CHANNEL_PUBLISH_TIMEOUT_MS}
     * @throws IllegalStateException    when the connector is closed
     */
    @Override
    public void publish(String topic, byte[] message) {
        checkTopic(topic);
        if (message == null) {
            throw new IllegalArgumentException("message must not be null");
        }
        topic(topic).publish(message);
    }

    /**
     * Delivers {@code topic}'s messages to {@code handler}, starting with its backlog if it has no
     * other subscription.
     *
     * @throws IllegalArgumentException when the topic is null or blank, or the handler is null
     * @throws IllegalStateException    when the connector is closed
     */
    @Override
    public Subscription subscribe(String topic, MessageHandler handler) {
        checkTopic(topic);
        if (handler == null) {
            throw new IllegalArgumentException("handler must not be null");
        }
        return topic(topic).subscribe(handler);
    }

    private Topic topic(String name) {
        if (closed.get()) {
            throw new IllegalStateException("channel connector is closed");
        }
        return topics.computeIfAbsent(name, n -> new Topic(n, config, counters, closed));
    }

    private static void checkTopic(String topic) {
        if (topic == null || topic.isBlank()) {
            throw new IllegalArgumentException("topic must not be null or blank");
        }
    }

    /** {@code published_total}, {@code delivered_total}, {@code handler_failures_total}, {@code rejected_total}, {@code dropped_total}, {@code queued}. */
    @Override
    public Map<String, Long> metrics() {
        long queued = 0;
        for (Topic topic : topics.values()) {
            queued += topic.queued();
        }
        return counters.snapshot(queued);
    }

    /** Closes every subscription and waits up to 5 s in all for the messages in hand. Idempotent. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        List<ChannelSubscription> stopped = new ArrayList<>();
        for (Topic topic : topics.values()) {
            stopped.addAll(topic.close());
        }
        long deadline = System.nanoTime() + ChannelSubscription.CLOSE_WAIT_NANOS;
        List<ChannelSubscription> busy = new ArrayList<>();
        for (ChannelSubscription subscription : stopped) {
            if (!subscription.awaitDone(deadline)) {
                busy.add(subscription);
            }
        }
        if (!busy.isEmpty()) {
            LOG.log(Level.WARNING, "channel connector closed while handlers of " + busy
                    + " were still running after 5 s; they were left to finish");
        }
    }
}
