package storelog.connector.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static storelog.connector.kafka.Kafkas.numbered;
import static storelog.connector.kafka.Kafkas.texts;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import storelog.api.spi.BatchFailure;
import storelog.api.spi.Connector;
import storelog.api.spi.Message;
import storelog.api.spi.MessageHandler;

/** A handler that takes batches gets each partition's records of a poll together; a partial failure commits the handled part. */
@ExtendWith(KafkaBroker.Shared.class)
class BatchDeliveryTest {

    private static KafkaBroker broker;

    @BeforeAll
    static void broker(KafkaBroker shared) {
        broker = shared;
    }

    /** Records each batch it is given; fails the first batch after its first {@code handledOnFailure} messages. */
    private static final class Batches implements MessageHandler {
        final List<List<String>> batches = Collections.synchronizedList(new ArrayList<>());
        final AtomicBoolean failOnce = new AtomicBoolean();
        final int handledOnFailure;

        Batches(boolean fail, int handledOnFailure) {
            failOnce.set(fail);
            this.handledOnFailure = handledOnFailure;
        }

        @Override
        public void handle(Message message) {
            throw new AssertionError("a batch handler gets batches");
        }

        @Override
        public void handleAll(List<Message> messages) throws BatchFailure {
            batches.add(texts(messages));
            if (failOnce.getAndSet(false)) {
                throw new BatchFailure(handledOnFailure, new IOException("storage is down"));
            }
        }

        List<String> all() {
            List<String> all = new ArrayList<>();
            batches.forEach(all::addAll);
            return all;
        }
    }

    @Test
    void aPollsRecordsOfOnePartitionArriveAsOneBatch() throws Exception {
        String topic = Kafkas.unique("orders");
        broker.createTopic(topic, 1);
        broker.produce(topic, 0, numbered("m", 0, 50));
        Batches handler = new Batches(false, 0);
        try (Connector connector = Kafkas.open(broker, Kafkas.unique("group"))) {
            connector.subscribe(topic, handler);
            Kafkas.await("all fifty committed", () -> connector.metrics().get("committed_total") == 50, handler::all);
        }
        assertThat(handler.all()).containsExactlyElementsOf(numbered("m", 0, 50));
        assertThat(handler.batches.size()).as("batches, not single messages").isLessThan(50);
    }

    @Test
    void aPartlyHandledBatchCommitsItsHandledPartAndTheRestComesAgain() throws Exception {
        String topic = Kafkas.unique("orders");
        broker.createTopic(topic, 1);
        broker.produce(topic, 0, numbered("m", 0, 10));
        Batches handler = new Batches(true, 3);
        try (Connector connector = Kafkas.open(broker, Kafkas.unique("group"))) {
            connector.subscribe(topic, handler);
            Kafkas.await("all ten committed", () -> connector.metrics().get("committed_total") == 10, handler::all);
            assertThat(connector.metrics()).containsEntry("handler_failures_total", 1L);
        }
        List<String> first = handler.batches.get(0);
        List<String> again = new ArrayList<>(handler.all().subList(first.size(), handler.all().size()));
        assertThat(first.subList(0, 3)).containsExactly("m0", "m1", "m2");
        assertThat(again).as("everything after the handled part, once, in order").containsExactlyElementsOf(numbered("m", 3, 7));
    }
}
