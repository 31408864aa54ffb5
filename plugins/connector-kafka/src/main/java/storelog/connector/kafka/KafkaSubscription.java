package storelog.connector.kafka;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import storelog.api.spi.ConnectorException;
import storelog.api.spi.MessageHandler;
import storelog.api.spi.Subscription;

/**
 * One subscription: a {@link KafkaConsumer} of the connector's group, subscribed to one topic, and
 * the platform thread that owns it (Kafka consumers are single-threaded). Policies are documented on
 * {@link KafkaConnector}; in short, the thread polls, hands each partition's records of the poll to
 * the handler together and in offset order ({@link MessageHandler#handleAll}), and commits the
 * offsets of the records the handler reports handled, after each poll's batch. A handler that fails
 * makes the thread commit what was handled, seek every partition back to its first record not
 * handled, and back off, so the failed record is delivered again and nothing after it is skipped.
 * {@link HandlerDelivery} makes the handler calls, {@link PendingCommits} keeps and commits what was
 * handled; this class runs the poll loop, the rewinds and the stop.
 *
 * <p>{@link #close()} is thread-safe and idempotent; everything else runs on the consumer thread.
 */
final class KafkaSubscription implements Subscription {

    private static final Logger LOG = System.getLogger(KafkaSubscription.class.getName());
    /** How long one poll waits for records; a close wakes it up at once. */
    static final Duration POLL_TIMEOUT = Duration.ofMillis(500);
    /** How long the consumer's close may take. */
    static final Duration CONSUMER_CLOSE_TIMEOUT = Duration.ofSeconds(5);
    /** How long {@link #close()} waits for the thread: the message in hand, the last commit and the consumer's close. */
    static final long CLOSE_WAIT_NANOS = TimeUnit.SECONDS.toNanos(15);

    private final String topic;
    private final String group;
    private final Counters counters;
    private final Consumer<KafkaSubscription> onEnd;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Thread thread;
    private final CountDownLatch stopRequested = new CountDownLatch(1);

    // consumer thread only
    private final HandlerDelivery delivery;
    private final PendingCommits pending;
    private final RetryStreak pollFailures;

    /** Messages of the assigned partitions not fetched yet, as of the last poll. */
    private volatile long unfetched;
    /** Messages of the last poll's batch not handled yet. */
    private volatile long unhandled;

    /**
     * Creates the consumer (with the plugin's class loader as context loader), subscribes it and
     * starts the thread.
     *
     * @throws ConnectorException when kafka-clients cannot create the consumer (e.g. no bootstrap
     *                            host name resolves)
     */
    KafkaSubscription(String topic, MessageHandler handler, KafkaConfig config, Counters counters,
                      Consumer<KafkaSubscription> onEnd) {
        this.topic = topic;
        this.group = config.group();
        this.counters = counters;
        this.onEnd = onEnd;
        this.delivery = new HandlerDelivery(handler, toString(), counters);
        this.pollFailures = new RetryStreak("polling of " + this, "polling goes on");
        try {
            this.consumer = KafkaConnector.withPluginLoader(() -> new KafkaConsumer<>(config.consumerProperties(),
                    new ByteArrayDeserializer(), new ByteArrayDeserializer()));
        } catch (KafkaException e) {
            throw new ConnectorException("kafka subscription to topic '" + topic + "' (group " + group
                    + ", KAFKA_BOOTSTRAP=" + config.bootstrap() + ") cannot start: " + KafkaConnector.causes(e), e);
        }
        this.pending = new PendingCommits(consumer, toString(), group, counters);
        try {
            consumer.subscribe(List.of(topic), pending);
        } catch (RuntimeException e) {
            consumer.close(CloseOptions.timeout(Duration.ZERO));
            throw new ConnectorException("kafka subscription to topic '" + topic + "' cannot start: " + e.getMessage(), e);
        }
        this.thread = Thread.ofPlatform().daemon().name("storelog-kafka-" + topic)
                .unstarted(this::run);
        thread.setContextClassLoader(KafkaSubscription.class.getClassLoader());
        thread.start();
    }

    private boolean stopRequested() {
        return stopRequested.getCount() == 0;
    }

    private void run() {
        Thread.currentThread().setContextClassLoader(KafkaSubscription.class.getClassLoader());
        boolean fatal = false;
        try {
            while (!stopRequested()) {
                ConsumerRecords<byte[], byte[]> records;
                try {
                    records = consumer.poll(POLL_TIMEOUT);
                    pollFailures.succeeded(null);
                } catch (WakeupException e) {
                    continue; // a close woke the poll up: the loop condition ends it
                } catch (InterruptException e) {
                    Thread.interrupted(); // nobody should interrupt this thread; a close uses wakeup
                    continue;
                } catch (KafkaException e) {
                    counters.consumerErrors.increment();
                    backOff(pollFailures.failed(null, e));
                    continue;
                }
                updateLag(records);
                long backoff = records.isEmpty() ? 0 : handle(records);
                pending.commit();
                if (backoff > 0) {
                    backOff(backoff);
                }
            }
        } catch (VirtualMachineError e) {
            fatal = true;
            LOG.log(Level.ERROR, this + " ends: virtual machine error; the messages it had"
                    + " not committed will be delivered to the group again", e);
            throw e;
        } catch (RuntimeException | Error e) {
            LOG.log(Level.ERROR, this + " ends on an unexpected failure; the messages it had"
                    + " not committed will be delivered to the group again", e);
        } finally {
            try {
                if (!fatal) {
                    pending.commit();
                    delivery.closing();
                }
            } finally {
                closeConsumer();
                unfetched = 0;
                unhandled = 0;
                onEnd.accept(this);
            }
        }
    }

    /**
     * Hands the batch to the handler, partition by partition, each partition's records together and
     * in offset order ({@link MessageHandler#handleAll}), until the handler fails or a close is
     * requested. What the handler reports handled is committed; the rest is delivered again.
     *
     * @return the back-off before the next poll, in ms: 0 unless the handler failed
     */
    private long handle(ConsumerRecords<byte[], byte[]> records) {
        List<TopicPartition> partitions = new ArrayList<>(records.partitions());
        for (int p = 0; p < partitions.size(); p++) {
            TopicPartition partition = partitions.get(p);
            List<ConsumerRecord<byte[], byte[]>> all = records.records(partition);
            int step = delivery.step(all.size());
            for (int from = 0; from < all.size(); from += step) {
                if (stopRequested()) {
                    return 0; // not committed: the group delivers the rest again
                }
                List<ConsumerRecord<byte[], byte[]>> batch = all.subList(from, Math.min(all.size(), from + step));
                HandlerDelivery.Outcome outcome = delivery.deliver(partition, batch);
                unhandled -= outcome.handled();
                if (outcome.handled() > 0) {
                    pending.handled(partition, batch.get(outcome.handled() - 1).offset() + 1, outcome.handled());
                }
                if (outcome.failed()) {
                    rewind(records, partitions, p, batch.get(outcome.handled()).offset());
                    return outcome.backoff();
                }
            }
        }
        return 0;
    }

    /**
     * After the handler threw on {@code offset} of {@code partitions[failed]}: seeks that partition
     * back to it, and the batch's later partitions back to their first record, so the next polls
     * deliver them again (the consumer's position is already past the whole batch).
     */
    private void rewind(ConsumerRecords<byte[], byte[]> records, List<TopicPartition> partitions, int failed, long offset) {
        consumer.seek(partitions.get(failed), offset);
        for (int p = failed + 1; p < partitions.size(); p++) {
            consumer.seek(partitions.get(p), records.records(partitions.get(p)).get(0).offset());
        }
    }

    private void updateLag(ConsumerRecords<byte[], byte[]> records) {
        long lag = 0;
        for (TopicPartition partition : consumer.assignment()) {
            lag += consumer.currentLag(partition).orElse(0);
        }
        unfetched = lag;
        unhandled = records.count();
    }

    /** Messages of the assigned partitions not handled yet, as of the last poll. */
    long lag() {
        return unfetched + Math.max(0, unhandled);
    }

    /** Waits {@code millis}, or less when a close is requested. */
    private void backOff(long millis) {
        try {
            stopRequested.await(millis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            // nobody should interrupt this thread: go on polling
        }
    }

    private void closeConsumer() {
        try {
            consumer.close(CloseOptions.timeout(CONSUMER_CLOSE_TIMEOUT));
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "closing the consumer of " + this + " failed", e);
        }
    }

    /** Asks the thread to stop after the message in hand, without waiting. Idempotent. */
    void stop() {
        if (stopRequested()) {
            return;
        }
        stopRequested.countDown();
        try {
            consumer.wakeup();
        } catch (RuntimeException e) {
            // already closed
        }
    }

    /**
     * Stops delivery after the message in hand, commits what was handled and closes the consumer;
     * waits up to 15 s for that (not when called by the handler itself). Idempotent.
     */
    @Override
    public void close() {
        stop();
        if (!awaitDone(System.nanoTime() + CLOSE_WAIT_NANOS)) {
            LOG.log(Level.WARNING, this + " was still running 15 s after its close"
                    + " (a handler that does not return?); it was left to finish");
        }
    }

    /**
     * Waits until the thread has ended or {@code deadline} ({@link System#nanoTime()}) passes; returns
     * at once on the thread itself.
     *
     * @return whether the thread has ended (or is the caller)
     */
    boolean awaitDone(long deadline) {
        if (Thread.currentThread() == thread) {
            return true;
        }
        try {
            long remaining = deadline - System.nanoTime();
            return remaining > 0 ? thread.join(Duration.ofNanos(remaining)) : !thread.isAlive();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return !thread.isAlive();
        }
    }

    /** {@code kafka subscription <topic> (group <group>)}, for logs. */
    @Override
    public String toString() {
        return "kafka subscription " + topic + " (group " + group + ")";
    }
}
