package storelog.connector.kafka;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import storelog.api.spi.Connector;
import storelog.api.spi.ConnectorException;
import storelog.api.spi.MessageHandler;
import storelog.api.spi.Subscription;

/**
 * The {@code kafka} connector: StoreLog topics are Kafka topics (which must exist, unless the brokers
 * create topics on first use); the payloads are the records' values, as they are.
 *
 * <h2>Publish</h2>
 * One idempotent producer ({@code acks=all}, {@code enable.idempotence=true}, {@code linger.ms=0}),
 * created by the first publish and shared by all publishers. A publish is synchronous: it returns
 * once the partition's in-sync replicas have the record, or throws {@link ConnectorException} naming
 * the topic — the topic does not exist, the brokers cannot be reached, the record is too large —
 * within {@code KAFKA_PUBLISH_TIMEOUT_MS} of its call (also the producer's {@code max.block.ms} and
 * {@code delivery.timeout.ms}). A publish that timed out may still have been written (the outcome is
 * unknown), so a caller that retries publishes at least once. Records have no key: the producer
 * spreads them over the topic's partitions, so only a one-partition topic keeps the publishers' order
 * end to end.
 *
 * <h2>Delivery</h2>
 * Each {@link #subscribe} creates a consumer in group {@code KAFKA_GROUP} ({@code enable.auto.commit=false},
 * {@code auto.offset.reset=earliest}: a new group starts at the topic's first record;
 * {@code isolation.level=read_committed}) and a platform thread that owns it. The thread polls and
 * hands each partition's records of the poll to the handler together, in offset order
 * ({@link storelog.api.spi.MessageHandler#handleAll}; a handler that does not override it gets them
 * one at a time), each as a {@link storelog.api.spi.Message} whose source is
 * {@code topic-partition@offset} (a record without a value is delivered with an empty payload). Subscriptions of one connector share the group, so two
 * subscriptions of one topic split its partitions between them, as any consumers of one group do.
 *
 * <h2>Commit</h2>
 * A record counts as handled when the handler returns (or, for a batch, when it reports the record
 * among the leading ones it handled, {@link storelog.api.spi.BatchFailure#handled()}). After each poll's batch (at most
 * {@code KAFKA_MAX_POLL_RECORDS} records) the thread commits, synchronously, the offsets of the records
 * handled, and only those. A failed commit is counted and logged, and its records stay pending for the
 * next commit. Before the group moves a partition to another consumer (a rebalance), its handled
 * records are committed. So a restart or a close neither loses nor re-delivers a handled message;
 * only a crash (or a commit that keeps failing) re-delivers the handled messages not committed yet:
 * at most one batch per partition.
 *
 * <h2>Failing handlers</h2>
 * A handler that throws (an exception, or an error other than {@link VirtualMachineError}) does not
 * have its message committed or skipped: the thread commits what was handled before it, seeks the
 * partition back to that message (and the batch's other partitions back to their first message not
 * handled), and backs off — 100 ms, doubling up to 5 s while the failures go on, cut short by a close
 * — before polling again, so the same message is delivered again until the handler returns. Each
 * failure is counted in {@code handler_failures_total}; a streak of failures is logged once when it
 * starts (WARNING, with the stack trace) and once when it ends. A message the handler means to skip
 * (StoreLog's core skips malformed ones) is one it returns normally from. A {@link VirtualMachineError}
 * ends the subscription, without committing its message. Failing polls (broker errors, missing
 * authorizations) back off and are retried the same way, counted in {@code consumer_errors_total}.
 *
 * <h2>Close</h2>
 * {@link Subscription#close()} stops the subscription after the message in hand, commits what was
 * handled, and closes its consumer (leaving the group); it waits up to 15 s for all of it, unless called
 * from its own handler. {@link #close()} closes every subscription that way (15 s in all) and then the
 * producer (up to 5 s for the records in flight); afterwards {@link #publish} and {@link #subscribe}
 * throw {@link IllegalStateException}. Both are idempotent.
 *
 * <h2>Class loading</h2>
 * kafka-clients loads configured classes (and its compression codecs their resources) through the
 * thread's context class loader: the producer and the consumers are created, records are sent, and
 * the consumer threads run, with the plugin's own class loader as context loader.
 *
 * <h2>Metrics</h2>
 * See {@link Counters}.
 *
 * <p>Thread-safe.
 */
final class KafkaConnector implements Connector {

    private static final Logger LOG = System.getLogger(KafkaConnector.class.getName());
    /** How long the producer's close waits for the records in flight. */
    static final Duration PRODUCER_CLOSE_TIMEOUT = Duration.ofSeconds(5);

    private final KafkaConfig config;
    private final Counters counters = new Counters();
    private final Set<KafkaSubscription> subscriptions = ConcurrentHashMap.newKeySet();
    private final Object lock = new Object();
    /** Guarded by {@link #lock}. */
    private boolean closed;
    /** Created by the first publish; guarded by {@link #lock}. */
    private KafkaProducer<byte[], byte[]> producer;

    KafkaConnector(KafkaConfig config) {
        this.config = config;
    }

    /**
     * Publishes {@code message} (not copied) to {@code topic}, waiting for the acknowledgement of its
     * partition's in-sync replicas.
     *
     * @throws IllegalArgumentException when the topic is null or blank, or the message is null
     * @throws ConnectorException       when it is not acknowledged within {@code KAFKA_PUBLISH_TIMEOUT_MS}
     * @throws IllegalStateException    when the connector is closed
     */
    @Override
    public void publish(String topic, byte[] message) {
        checkTopic(topic);
        if (message == null) {
            throw new IllegalArgumentException("message must not be null");
        }
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(config.publishTimeoutMillis());
        KafkaProducer<byte[], byte[]> producer = producer(topic);
        try {
            // send compresses in the caller's thread, and codecs look for resources through the context loader
            Future<RecordMetadata> sent = withPluginLoader(() -> producer.send(new ProducerRecord<>(topic, message)));
            sent.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            throw publishFailed(topic, cause.getMessage() == null ? cause.toString() : cause.getMessage(), cause);
        } catch (TimeoutException e) {
            throw publishFailed(topic, "not acknowledged within " + KafkaConfig.PUBLISH_TIMEOUT_MS + "="
                    + config.publishTimeoutMillis() + " ms (it may still be written)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw publishFailed(topic, "interrupted (it may still be written)", e);
        } catch (IllegalStateException e) {
            if (isClosed()) {
                throw new IllegalStateException("kafka connector is closed", e);
            }
            throw publishFailed(topic, e.getMessage(), e);
        } catch (KafkaException e) { // thrown by send itself, e.g. InterruptException
            throw publishFailed(topic, e.getMessage(), e);
        }
        counters.published.increment();
    }

    private ConnectorException publishFailed(String topic, String why, Throwable cause) {
        counters.publishFailures.increment();
        return new ConnectorException("kafka publish to topic '" + topic + "' failed: " + why + " ("
                + KafkaConfig.BOOTSTRAP + "=" + config.bootstrap() + ")", cause);
    }

    private KafkaProducer<byte[], byte[]> producer(String topic) {
        synchronized (lock) {
            ensureOpen();
            if (producer == null) {
                try {
                    producer = withPluginLoader(() -> new KafkaProducer<>(config.producerProperties(),
                            new ByteArraySerializer(), new ByteArraySerializer()));
                } catch (KafkaException e) {
                    throw publishFailed(topic, "the producer cannot be created: " + causes(e), e);
                }
            }
            return producer;
        }
    }

    /**
     * Starts delivering {@code topic}'s records to {@code handler}, from the group's committed offsets.
     *
     * @throws IllegalArgumentException when the topic is null or blank, or the handler is null
     * @throws ConnectorException       when the consumer cannot be created
     * @throws IllegalStateException    when the connector is closed
     */
    @Override
    public Subscription subscribe(String topic, MessageHandler handler) {
        checkTopic(topic);
        if (handler == null) {
            throw new IllegalArgumentException("handler must not be null");
        }
        synchronized (lock) {
            ensureOpen();
        }
        KafkaSubscription subscription = new KafkaSubscription(topic, handler, config, counters, subscriptions::remove);
        synchronized (lock) {
            if (!closed) {
                subscriptions.add(subscription);
                return subscription;
            }
        }
        subscription.close();
        throw new IllegalStateException("kafka connector is closed");
    }

    /**
     * {@code published_total}, {@code publish_failures_total}, {@code delivered_total},
     * {@code handler_failures_total}, {@code committed_total}, {@code commit_failures_total},
     * {@code consumer_errors_total}, {@code consumer_lag}; see {@link Counters}.
     */
    @Override
    public Map<String, Long> metrics() {
        long lag = 0;
        for (KafkaSubscription subscription : subscriptions) {
            lag += subscription.lag();
        }
        return counters.snapshot(lag);
    }

    /** Closes every subscription (15 s in all), then the producer (5 s). Idempotent. */
    @Override
    public void close() {
        KafkaProducer<byte[], byte[]> closing;
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            closing = producer;
            producer = null;
        }
        List<KafkaSubscription> stopped = new ArrayList<>(subscriptions);
        stopped.forEach(KafkaSubscription::stop);
        long deadline = System.nanoTime() + KafkaSubscription.CLOSE_WAIT_NANOS;
        List<KafkaSubscription> busy = new ArrayList<>();
        for (KafkaSubscription subscription : stopped) {
            if (!subscription.awaitDone(deadline)) {
                busy.add(subscription);
            }
        }
        if (!busy.isEmpty()) {
            LOG.log(Level.WARNING, "kafka connector closed while " + busy + " were still running after 15 s;"
                    + " they were left to finish");
        }
        if (closing != null) {
            try {
                withPluginLoader(() -> {
                    closing.close(PRODUCER_CLOSE_TIMEOUT);
                    return null;
                });
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "closing the kafka producer failed", e);
            }
        }
    }

    private boolean isClosed() {
        synchronized (lock) {
            return closed;
        }
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("kafka connector is closed");
        }
    }

    private static void checkTopic(String topic) {
        if (topic == null || topic.isBlank()) {
            throw new IllegalArgumentException("topic must not be null or blank");
        }
    }

    /** The messages of a failure and its causes, e.g. {@code Failed to construct kafka consumer: No resolvable bootstrap urls ...}. */
    static String causes(Throwable failure) {
        StringBuilder text = new StringBuilder(String.valueOf(failure.getMessage()));
        for (Throwable cause = failure.getCause(); cause != null && cause != cause.getCause(); cause = cause.getCause()) {
            if (cause.getMessage() != null && !text.toString().contains(cause.getMessage())) {
                text.append(": ").append(cause.getMessage());
            }
        }
        return text.toString();
    }

    /**
     * Runs {@code call} with the plugin's class loader as the thread's context class loader (through
     * which kafka-clients loads configured classes), restoring the caller's afterwards.
     */
    static <T> T withPluginLoader(Supplier<T> call) {
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(KafkaConnector.class.getClassLoader());
        try {
            return call.get();
        } finally {
            thread.setContextClassLoader(previous);
        }
    }
}
