package storelog.core;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.LongAdder;
import storelog.api.InvalidPartitionKeyException;
import storelog.api.InvalidRecordException;
import storelog.api.PartitionKey;
import storelog.api.spi.BatchFailure;
import storelog.api.spi.Connector;
import storelog.api.spi.Message;
import storelog.api.spi.MessageHandler;
import storelog.api.spi.Subscription;

/**
 * The connector handler (GoStoreLog's pub/sub handler): subscribes to {@code CONNECTOR_TOPIC} and
 * stores every message of GoStoreLog's shape {@code {"data", "data_type", "partition_key"}} through
 * {@link LogService}, exactly like an HTTP publish. A malformed message (bad JSON, bad type, bad key,
 * reserved key) is logged, counted and skipped; a storage failure is rethrown, so a broker-backed
 * connector does not acknowledge the message and delivers it again.
 *
 * <p>Messages that arrive together ({@link MessageHandler#handleAll}) are stored as one batch per
 * partition key, in their order, so a poll of hundreds of messages costs a few fsyncs, not hundreds.
 * When storing one key's batch fails, the messages before the first unstored one are reported as
 * handled; the connector delivers the rest again, so after a storage failure in the middle of such a
 * batch, messages of keys stored before it may be stored twice (at-least-once, as after a crash).
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
        this.subscription = connector.subscribe(topic, new MessageHandler() {
            @Override
            public void handle(Message message) {
                ConnectorIngest.this.handle(message);
            }

            @Override
            public void handleAll(List<Message> messages) throws BatchFailure {
                ConnectorIngest.this.handleAll(messages);
            }
        });
    }

    /** Subscribes to {@code topic} and starts storing its messages. */
    public static ConnectorIngest start(Connector connector, String topic, LogService log, WireFormat wire) {
        return new ConnectorIngest(connector, topic, log, wire);
    }

    private void handle(Message message) {
        WireFormat.PublishMessage parsed = parse(message);
        if (parsed != null) {
            log.publish(parsed.partition(), parsed.payload());
            stored.increment();
        }
    }

    /** Stores the messages as one batch per partition key; see the class doc for a failure. */
    private void handleAll(List<Message> messages) throws BatchFailure {
        Map<PartitionKey, List<Integer>> byKey = new LinkedHashMap<>();
        List<Payload> payloads = new ArrayList<>(messages.size());
        for (int i = 0; i < messages.size(); i++) {
            WireFormat.PublishMessage parsed = parse(messages.get(i));
            payloads.add(parsed == null ? null : parsed.payload());
            if (parsed != null) {
                byKey.computeIfAbsent(parsed.partition(), key -> new ArrayList<>()).add(i);
            }
        }
        boolean[] done = new boolean[messages.size()];
        for (int i = 0; i < done.length; i++) {
            done[i] = payloads.get(i) == null; // skipped: handled
        }
        // one append per key, all keys at once: their fsyncs overlap instead of queueing
        RuntimeException failure = null;
        try (var appends = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> pending = new ArrayList<>();
            for (Map.Entry<PartitionKey, List<Integer>> group : byKey.entrySet()) {
                pending.add(appends.submit(() -> store(group.getKey(), group.getValue(), payloads, done)));
            }
            for (Future<?> f : pending) {
                try {
                    f.get();
                } catch (ExecutionException e) {
                    failure = failure != null ? failure : e.getCause() instanceof RuntimeException r ? r
                            : new IllegalStateException(e.getCause());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    failure = new IllegalStateException("interrupted while storing a batch", e);
                }
            }
        }
        if (failure != null) {
            int handled = 0;
            while (handled < done.length && done[handled]) {
                handled++;
            }
            throw new BatchFailure(handled, failure);
        }
    }

    /** Stores one key's messages in order (in chunks of at most a batch's size) and marks them done. */
    private void store(PartitionKey key, List<Integer> indexes, List<Payload> payloads, boolean[] done) {
        for (int from = 0; from < indexes.size(); from += LogService.MAX_BATCH_RECORDS) {
            List<Integer> chunk = indexes.subList(from, Math.min(indexes.size(), from + LogService.MAX_BATCH_RECORDS));
            log.publishBatch(key, chunk.stream().map(payloads::get).toList());
            synchronized (done) {
                chunk.forEach(i -> done[i] = true);
            }
            stored.add(chunk.size());
        }
    }

    /** The message as a publish, or null (counted, logged) when it is malformed. */
    private WireFormat.PublishMessage parse(Message message) {
        try {
            WireFormat.PublishMessage parsed = wire.publish(message.payload());
            if (parsed.partition().isReserved()) {
                throw new InvalidPartitionKeyException("partition key " + parsed.partition() + " is reserved");
            }
            parsed.payload().type().checkPayload(parsed.payload().bytes());
            return parsed;
        } catch (BadRequestException | InvalidRecordException | InvalidPartitionKeyException e) {
            malformed.increment();
            LOG.log(Level.WARNING, "skipping malformed message from {0}: {1}", message.source(), e.getMessage());
            return null;
        }
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
