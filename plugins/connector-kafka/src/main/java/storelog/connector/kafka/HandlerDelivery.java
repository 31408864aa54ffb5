package storelog.connector.kafka;

import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import storelog.api.spi.BatchFailure;
import storelog.api.spi.Message;
import storelog.api.spi.MessageHandler;

/**
 * Hands records of one partition to a subscription's handler: all of a poll's records of a partition
 * at once when the handler stores batches itself ({@link #handlesBatches}), else one at a time; counts
 * deliveries and failures, and gives a failure's back-off from the handler's {@link RetryStreak}.
 * Consumer thread only.
 */
final class HandlerDelivery {

    private static final byte[] EMPTY = new byte[0];

    private final MessageHandler handler;
    private final boolean batches;
    private final Counters counters;
    private final RetryStreak handlerFailures;

    /** What the handler made of a batch: how many leading records it handled; a failure's back-off in ms. */
    record Outcome(int handled, boolean failed, long backoff) {
    }

    /**
     * @param subscription the subscription's name, for logs
     */
    HandlerDelivery(MessageHandler handler, String subscription, Counters counters) {
        this.handler = handler;
        this.batches = handlesBatches(handler);
        this.counters = counters;
        this.handlerFailures = new RetryStreak("handler of " + subscription,
                "the message will be delivered again (nothing after it is skipped)");
    }

    /** How many records of a partition the handler gets at once, of {@code available}. */
    int step(int available) {
        return batches ? available : 1;
    }

    /** Hands {@code batch} (records of {@code partition}, in offset order) to the handler. */
    Outcome deliver(TopicPartition partition, List<ConsumerRecord<byte[], byte[]>> batch) {
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
        if (failure == null) {
            handlerFailures.succeeded(messages.get(messages.size() - 1).source());
            return new Outcome(handled, false, 0);
        }
        counters.handlerFailures.increment();
        return new Outcome(handled, true, handlerFailures.failed(messages.get(handled).source(), failure));
    }

    /** The subscription ends: logs the end of a failure streak in progress. */
    void closing() {
        handlerFailures.closing("the message will be delivered again to the group");
    }

    /** Whether the handler stores batches itself (it overrides {@link MessageHandler#handleAll}); else one at a time. */
    private static boolean handlesBatches(MessageHandler handler) {
        try {
            return handler.getClass().getMethod("handleAll", List.class).getDeclaringClass() != MessageHandler.class;
        } catch (NoSuchMethodException e) {
            return false;
        }
    }
}
