package storelog.connector.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static storelog.connector.kafka.Kafkas.numbered;
import static storelog.connector.kafka.Kafkas.text;
import static storelog.connector.kafka.Kafkas.texts;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import storelog.api.spi.Connector;
import storelog.api.spi.Message;
import storelog.testkit.Inbox;

@ExtendWith(KafkaBroker.Shared.class)
class HandlerFailureTest {

    private static KafkaBroker broker;

    @BeforeAll
    static void broker(KafkaBroker shared) {
        broker = shared;
    }

    @Test
    void aHandlerThatThrowsGetsTheSameMessageAgainAndTheNextOnesAfterItSucceeds() throws Exception {
        String topic = Kafkas.unique("orders");
        broker.createTopic(topic, 1);
        broker.produce(topic, 0, numbered("m", 0, 6));
        List<String> attempts = Collections.synchronizedList(new ArrayList<>());
        AtomicInteger failuresLeft = new AtomicInteger(2);
        try (Connector connector = Kafkas.open(broker, Kafkas.unique("group"))) {
            connector.subscribe(topic, message -> {
                attempts.add(text(message) + "@" + message.source().substring(message.source().indexOf('@') + 1));
                if (text(message).equals("m2") && failuresLeft.getAndDecrement() > 0) {
                    throw new IOException("storage is down");
                }
            });

            Kafkas.await("all six handled", () -> connector.metrics().get("committed_total") == 6, attempts::toString);
            assertThat(attempts).containsExactly("m0@0", "m1@1", "m2@2", "m2@2", "m2@2", "m3@3", "m4@4", "m5@5");
            assertThat(connector.metrics())
                    .containsEntry("handler_failures_total", 2L)
                    .containsEntry("delivered_total", 8L)
                    .containsEntry("committed_total", 6L);
        }
    }

    /**
     * The failure comes in the middle of a batch of three partitions: the failing partition is
     * rewound to the failed message and the others to their first message not handled, so none of
     * them loses a message.
     */
    @Test
    void aFailureInABatchOfSeveralPartitionsSkipsNothingInAnyOfThem() throws Exception {
        String topic = Kafkas.unique("orders");
        broker.createTopic(topic, 3);
        for (int p = 0; p < 3; p++) {
            broker.produce(topic, p, numbered("p" + p + "-", 0, 30));
        }
        List<Message> handled = Collections.synchronizedList(new ArrayList<>());
        AtomicInteger failures = new AtomicInteger();
        try (Connector connector = Kafkas.open(broker, Kafkas.unique("group"))) {
            connector.subscribe(topic, message -> {
                // fails once on the 10th message handed out, whatever partition it is in
                if (failures.get() == 0 && handled.size() == 10) {
                    failures.incrementAndGet();
                    throw new IllegalStateException("once");
                }
                handled.add(message);
            });

            Kafkas.await("all 90 committed", () -> connector.metrics().get("committed_total") == 90, handled::size);
            assertThat(connector.metrics()).containsEntry("handler_failures_total", 1L).containsEntry("delivered_total", 91L);
        }
        assertThat(handled).hasSize(90);
        for (int p = 0; p < 3; p++) {
            String prefix = "p" + p + "-";
            assertThat(texts(handled).stream().filter(t -> t.startsWith(prefix)).toList())
                    .as("partition " + p).containsExactlyElementsOf(numbered(prefix, 0, 30));
        }
    }

    /** A message whose handler keeps failing is not committed: the next connector of the group starts with it. */
    @Test
    void aMessageThatKeepsFailingIsNotCommitted() throws Exception {
        String topic = Kafkas.unique("orders");
        String group = Kafkas.unique("group");
        broker.createTopic(topic, 1);
        broker.produce(topic, 0, numbered("m", 0, 5));
        List<String> attempts = Collections.synchronizedList(new ArrayList<>());
        try (Connector connector = Kafkas.open(broker, group)) {
            connector.subscribe(topic, message -> {
                attempts.add(text(message));
                if (text(message).equals("m3")) {
                    throw new IOException("always");
                }
            });
            Kafkas.await("three failures", () -> connector.metrics().get("handler_failures_total") >= 3, attempts::toString);
            Map<String, Long> metrics = connector.metrics();
            assertThat(metrics).containsEntry("committed_total", 3L);
            assertThat(attempts).startsWith("m0", "m1", "m2", "m3", "m3", "m3").doesNotContain("m4");
        }

        try (Connector next = Kafkas.open(broker, group)) {
            Inbox inbox = new Inbox();
            next.subscribe(topic, inbox);
            assertThat(inbox.take(2)).extracting(Message::source).containsExactly(topic + "-0@3", topic + "-0@4");
        }
    }

    @Test
    void errorsOtherThanVirtualMachineErrorsAreRetriedToo() throws Exception {
        String topic = Kafkas.unique("orders");
        broker.createTopic(topic, 1);
        broker.produce(topic, 0, numbered("m", 0, 2));
        AtomicInteger failuresLeft = new AtomicInteger(1);
        try (Connector connector = Kafkas.open(broker, Kafkas.unique("group"))) {
            Inbox inbox = new Inbox() {
                @Override
                public void handle(Message message) throws Exception {
                    if (failuresLeft.getAndDecrement() > 0) {
                        throw new AssertionError("a bug");
                    }
                    super.handle(message);
                }
            };
            connector.subscribe(topic, inbox);
            assertThat(texts(inbox.take(2))).containsExactly("m0", "m1");
            assertThat(connector.metrics()).containsEntry("handler_failures_total", 1L);
        }
    }
}
