package storelog.connector.kafka;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import storelog.api.spi.BatchFailure;
import storelog.api.spi.ConnectorException;
import storelog.api.spi.Message;
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
 *
 * <p>{@link #close()} is thread-safe and idempotent; everything else runs on the consumer thread.
 */
final class KafkaSubscription implements Subscription {

    private static final Logger LOG = System.getLogger(KafkaSubscription.class.getName());
    private static final byte[] EMPTY = new byte[0];
    /** How long one poll waits for records; a close wakes it up at once. */
    static final Duration POLL_TIMEOUT = Duration.ofMillis(500);
    /** How long a commit, and the consumer's close, may take. */
    static final Duration COMMIT_TIMEOUT = Duration.ofSeconds(5);
    static final Duration CONSUMER_CLOSE_TIMEOUT = Duration.ofSeconds(5);
    /** How long {@link #close()} waits for the thread: the message in hand, the last commit and the consumer's close. */
    static final long CLOSE_WAIT_NANOS = TimeUnit.SECONDS.toNanos(15);

    private final String topic;
    private final String group;
    private final MessageHandler handler;
    private final boolean batches;
    private final Counters counters;
    private final Consumer<KafkaSubscription> onEnd;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Thread thread;
    private final CountDownLatch stopRequested = new CountDownLatch(1);

    // consumer thread only
    /** Handled records not committed yet, by partition: the offset to commit and how many they are. */
    private final Map<TopicPartition, Pending> pending = new HashMap<>();
    private final RetryStreak handlerFailures;
    private final RetryStreak pollFailures;
    private final RetryStreak commitFailures;

    /** Messages of the assigned partitions not fetched yet, as of the last poll. */
    private volatile long unfetched;
    /** Messages of the last poll's batch not handled yet. */
    private volatile long unhandled;

    private record Pending(long nextOffset, long count) {
        Pending plus(Pending later) {
            return new Pending(Math.max(nextOffset, later.nextOffset), count + later.count);
        }
    }

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
        this.handler = handler;
        this.batches = handlesBatches(handler);
        this.counters = counters;
        this.onEnd = onEnd;
        this.handlerFailures = new RetryStreak("handler of " + this,
                "the message will be delivered again (nothing after it is skipped)");
        this.pollFailures = new RetryStreak("polling of " + this, "polling goes on");
        this.commitFailures = new RetryStreak("committing of " + this,
                "the handled messages stay pending and are committed with the next commit");
        try {
            this.consumer = KafkaConnector.withPluginLoader(() -> new KafkaConsumer<>(config.consumerProperties(),
                    new ByteArrayDeserializer(), new ByteArrayDeserializer()));
        } catch (KafkaException e) {
            throw new ConnectorException("kafka subscription to topic '" + topic + "' (group " + group
                    + ", KAFKA_BOOTSTRAP=" + config.bootstrap() + ") cannot start: " + KafkaConnector.causes(e), e);
        }
        try {
            consumer.subscribe(List.of(topic), new Rebalance());
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
                commitPending();
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
                    commitPending();
                    handlerFailures.closing("the message will be delivered again to the group");
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
            int step = batches ? all.size() : 1;
            for (int from = 0; from < all.size(); from += step) {
                if (stopRequested()) {
                    return 0; // not committed: the group delivers the rest again
                }
                List<ConsumerRecord<byte[], byte[]>> batch = all.subList(from, Math.min(all.size(), from + step));
                Delivery delivery = deliver(partition, batch);
                if (delivery.failed()) {
                    rewind(records, partitions, p, batch.get(delivery.handled()).offset());
                    return delivery.backoff();
                }
            }
        }
        return 0;
    }

    /** What the handler made of a batch: how many leading records it handled; a failure's back-off in ms. */
    private record Delivery(int handled, boolean failed, long backoff) {
    }

    /**
     * Hands {@code batch} (records of one partition, in offset order) to the handler and marks what
     * it handled pending for the next commit.
     *
     */
    private Delivery deliver(TopicPartition partition, List<ConsumerRecord<byte[], byte[]>> batch) {
        List<Message> messages = new ArrayList<>(batch.size());
        for (ConsumerRecord<byte[], byte[]> record : batch) {
            messages.add(new Message(record.topic(), record.value() == null ? EMPTY : record.value(),
                    partition + "@" + record.offset()));
        }
        int handled = messages.size();
        Throwable failure = null;
        try {
            handler.handleAll(messages);
        } catch (BatchFailure e) {
            handled = e.handled();
            failure = e.getCause();
        } catch (VirtualMachineError e) {
            counters.delivered.increment();
            counters.handlerFailures.increment();
            throw e;
        } catch (RuntimeException | Error e) {
            handled = 0;
            failure = e;
        }
        Thread.interrupted(); // a handler's leftover interrupt must not break the consumer
        counters.delivered.add(handled + (failure == null ? 0 : 1));
        unhandled -= handled;
        if (handled > 0) {
            pending.merge(partition, new Pending(batch.get(handled - 1).offset() + 1, handled), Pending::plus);
        }
        if (failure == null) {
            handlerFailures.succeeded(messages.get(messages.size() - 1).source());
            return new Delivery(handled, false, 0);
        }
        counters.handlerFailures.increment();
        return new Delivery(handled, true, handlerFailures.failed(messages.get(handled).source(), failure));
    }

    /** Whether the handler stores batches itself (it overrides {@link MessageHandler#handleAll}); else one at a time. */
    static boolean handlesBatches(MessageHandler handler) {
        try {
            return handler.getClass().getMethod("handleAll", List.class).getDeclaringClass() != MessageHandler.class;
        } catch (NoSuchMethodException e) {
            return false;
        }
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

    /** Commits the handled records; on failure they stay pending for the next commit. */
    private void commitPending() {
        if (pending.isEmpty()) {
            return;
        }
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        long count = 0;
        for (Map.Entry<TopicPartition, Pending> entry : pending.entrySet()) {
            offsets.put(entry.getKey(), new OffsetAndMetadata(entry.getValue().nextOffset()));
            count += entry.getValue().count();
        }
        try {
            commit(offsets);
        } catch (KafkaException e) {
            counters.commitFailures.increment();
            commitFailures.failed(null, e);
            return;
        }
        pending.clear();
        counters.committed.add(count);
        commitFailures.succeeded(null);
    }

    private void commit(Map<TopicPartition, OffsetAndMetadata> offsets) {
        try {
            consumer.commitSync(offsets, COMMIT_TIMEOUT);
        } catch (WakeupException e) {
            // the wakeup of a close that came while the handler ran: commit anyway
            consumer.commitSync(offsets, COMMIT_TIMEOUT);
        } catch (InterruptException e) {
            Thread.interrupted();
            consumer.commitSync(offsets, COMMIT_TIMEOUT);
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

    /** Commits what was handled of partitions that move to another consumer. Runs inside poll and close. */
    private final class Rebalance implements ConsumerRebalanceListener {

        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
            long count = 0;
            for (TopicPartition partition : partitions) {
                Pending handled = pending.remove(partition);
                if (handled != null) {
                    offsets.put(partition, new OffsetAndMetadata(handled.nextOffset()));
                    count += handled.count();
                }
            }
            if (offsets.isEmpty()) {
                return;
            }
            try {
                commit(offsets);
                counters.committed.add(count);
            } catch (KafkaException e) {
                counters.commitFailures.increment();
                LOG.log(Level.WARNING, count + " handled message(s) of " + offsets.keySet() + " could not be committed"
                        + " before the partitions moved to another consumer of group " + group
                        + "; they will be delivered again: " + e);
            }
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            long count = 0;
            for (TopicPartition partition : partitions) {
                Pending handled = pending.remove(partition);
                count += handled == null ? 0 : handled.count();
            }
            if (count > 0) {
                LOG.log(Level.WARNING, "partitions " + partitions + " of group " + group + " were lost before " + count
                        + " handled message(s) were committed; they will be delivered again");
            }
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            // delivery starts at the group's committed offsets
        }
    }
}
