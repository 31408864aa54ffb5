package storelog.connector.channel;

import static org.assertj.core.api.Assertions.assertThat;
import static storelog.connector.channel.Channels.bytes;
import static storelog.connector.channel.Channels.texts;

import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import storelog.api.spi.Connector;
import storelog.api.spi.Message;
import storelog.api.spi.Subscription;
import storelog.testkit.Inbox;

class FanOutTest {

    @Test
    void twoSubscriptionsBothReceiveEveryMessage() throws Exception {
        int count = 1_000;
        try (Connector connector = Channels.open()) {
            Inbox first = new Inbox();
            Inbox second = new Inbox();
            connector.subscribe("orders", first);
            connector.subscribe("orders", second);
            for (int i = 0; i < count; i++) {
                connector.publish("orders", bytes(Integer.toString(i)));
            }

            List<String> expected = IntStream.range(0, count).mapToObj(Integer::toString).toList();
            assertThat(texts(first.take(count))).containsExactlyElementsOf(expected);
            assertThat(texts(second.take(count))).containsExactlyElementsOf(expected);
        }
    }

    @Test
    void aSubscriptionReceivesOnlyMessagesPublishedAfterItSubscribed() throws Exception {
        try (Connector connector = Channels.open()) {
            Inbox early = new Inbox();
            connector.subscribe("orders", early);
            connector.publish("orders", bytes("before"));
            assertThat(texts(early.take(1))).containsExactly("before");

            Inbox late = new Inbox();
            Subscription lateSubscription = connector.subscribe("orders", late);
            connector.publish("orders", bytes("after"));

            assertThat(texts(late.take(1))).containsExactly("after");
            assertThat(texts(early.take(1))).containsExactly("after");
            lateSubscription.close();
            assertThat(late.rest()).isEmpty();
        }
    }

    @Test
    void topicsAreSeparateAndMessagesCarryTheirTopicAndSequence() throws Exception {
        try (Connector connector = Channels.open()) {
            Inbox orders = new Inbox();
            Inbox audit = new Inbox();
            Subscription ordersSubscription = connector.subscribe("orders", orders);
            connector.subscribe("audit", audit);
            connector.publish("audit", bytes("a0"));
            connector.publish("orders", bytes("o0"));
            connector.publish("orders", bytes("o1"));

            List<Message> received = orders.take(2);
            assertThat(texts(received)).containsExactly("o0", "o1");
            assertThat(received).extracting(Message::topic).containsOnly("orders");
            assertThat(received).extracting(Message::source).containsExactly("orders@0", "orders@1");
            assertThat(texts(audit.take(1))).containsExactly("a0");
            ordersSubscription.close();
            assertThat(orders.rest()).isEmpty();
        }
    }

    @Test
    void queuedCountsEachSubscriptionsCopy() throws Exception {
        try (Connector connector = Channels.open()) {
            Channels.Gate first = new Channels.Gate();
            Channels.Gate second = new Channels.Gate();
            connector.subscribe("orders", first);
            connector.subscribe("orders", second);
            connector.publish("orders", bytes("0"));
            first.awaitInHand();
            second.awaitInHand();
            connector.publish("orders", bytes("1"));
            connector.publish("orders", bytes("2"));

            assertThat(connector.metrics()).containsEntry("queued", 4L).containsEntry("published_total", 3L);
            first.release();
            second.release();
            first.take(3);
            second.take(3);
        }
    }
}
