package storelog.connector.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static storelog.connector.kafka.Kafkas.numbered;
import static storelog.connector.kafka.Kafkas.text;
import static storelog.connector.kafka.Kafkas.texts;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import storelog.api.spi.Connector;
import storelog.api.spi.Message;
import storelog.testkit.Inbox;

@ExtendWith(KafkaBroker.Shared.class)
class DeliveryTest {

    private static KafkaBroker broker;

    @BeforeAll
    static void broker(KafkaBroker shared) {
        broker = shared;
    }

    @Test
    void messagesReachTheHandlerInOrderEachOnceWithTheirSource() throws Exception {
        String topic = Kafkas.unique("orders");
        broker.createTopic(topic, 1);
        broker.produce(topic, 0, numbered("m", 0, 150)); // before the group exists: earliest
        try (Connector connector = Kafkas.open(broker, Kafkas.unique("group"))) {
            Inbox inbox = new Inbox();
            connector.subscribe(topic, inbox);
            broker.produce(topic, 0, numbered("m", 150, 100)); // while subscribed

            List<Message> messages = inbox.take(250);
            assertThat(texts(messages)).containsExactlyElementsOf(numbered("m", 0, 250));
            assertThat(messages).extracting(Message::source)
                    .containsExactlyElementsOf(numbered(topic + "-0@", 0, 250));
            assertThat(messages).extracting(Message::topic).containsOnly(topic);

            Kafkas.await("all 250 committed", () -> connector.metrics().get("committed_total") == 250, connector::metrics);
            assertThat(inbox.rest()).as("nothing twice").isEmpty();
            assertThat(connector.metrics())
                    .containsEntry("delivered_total", 250L)
                    .containsEntry("handler_failures_total", 0L);
            Kafkas.await("no lag", () -> connector.metrics().get("consumer_lag") == 0, connector::metrics);
        }
    }

    @Test
    void eachPartitionIsDeliveredInItsOrder() throws Exception {
        String topic = Kafkas.unique("orders");
        broker.createTopic(topic, 3);
        for (int p = 0; p < 3; p++) {
            broker.produce(topic, p, numbered("p" + p + "-", 0, 40));
        }
        try (Connector connector = Kafkas.open(broker, Kafkas.unique("group"))) {
            Inbox inbox = new Inbox();
            connector.subscribe(topic, inbox);

            Map<Integer, List<String>> byPartition = new LinkedHashMap<>();
            for (Message message : inbox.take(120)) {
                int partition = Integer.parseInt(text(message).substring(1, 2));
                List<String> seen = byPartition.computeIfAbsent(partition, p -> new ArrayList<>());
                assertThat(message.source()).isEqualTo(topic + "-" + partition + "@" + seen.size());
                seen.add(text(message));
            }
            for (int p = 0; p < 3; p++) {
                assertThat(byPartition.get(p)).as("partition " + p).containsExactlyElementsOf(numbered("p" + p + "-", 0, 40));
            }
            Kafkas.await("all 120 committed", () -> connector.metrics().get("committed_total") == 120, connector::metrics);
            assertThat(inbox.rest()).isEmpty();
        }
    }

    @Test
    void aRecordWithoutValueIsDeliveredWithAnEmptyPayload() throws Exception {
        String topic = Kafkas.unique("orders");
        broker.createTopic(topic, 1);
        broker.produce(topic, 0, java.util.Arrays.asList("before", null, "after"));
        try (Connector connector = Kafkas.open(broker, Kafkas.unique("group"))) {
            Inbox inbox = new Inbox();
            connector.subscribe(topic, inbox);

            assertThat(texts(inbox.take(3))).containsExactly("before", "", "after");
        }
    }
}
