package storelog.connector.channel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static storelog.connector.channel.Channels.bytes;
import static storelog.connector.channel.Channels.texts;

import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import storelog.api.spi.Connector;
import storelog.api.spi.ConnectorException;
import storelog.api.spi.Subscription;
import storelog.testkit.Inbox;

class BacklogTest {

    @Test
    void messagesPublishedBeforeTheFirstSubscriptionAreDeliveredToIt() throws Exception {
        try (Connector connector = Channels.open()) {
            for (int i = 0; i < 10; i++) {
                connector.publish("orders", bytes(Integer.toString(i)));
            }
            assertThat(connector.metrics()).containsEntry("queued", 10L).containsEntry("published_total", 10L);

            Inbox inbox = new Inbox();
            connector.subscribe("orders", inbox);
            connector.publish("orders", bytes("10"));

            assertThat(texts(inbox.take(11)))
                    .containsExactlyElementsOf(IntStream.rangeClosed(0, 10).mapToObj(Integer::toString).toList());
        }
    }

    @Test
    void theBacklogGoesToTheFirstSubscriptionOnly() throws Exception {
        try (Connector connector = Channels.open()) {
            connector.publish("orders", bytes("early"));
            Inbox first = new Inbox();
            Inbox second = new Inbox();
            connector.subscribe("orders", first);
            Subscription secondSubscription = connector.subscribe("orders", second);
            connector.publish("orders", bytes("late"));

            assertThat(texts(first.take(2))).containsExactly("early", "late");
            assertThat(texts(second.take(1))).containsExactly("late");
            secondSubscription.close();
            assertThat(second.rest()).isEmpty();
        }
    }

    @Test
    void messagesPublishedAfterTheLastSubscriptionClosedWaitForTheNext() throws Exception {
        try (Connector connector = Channels.open()) {
            connector.subscribe("orders", new Inbox()).close();
            connector.publish("orders", bytes("between"));

            Inbox next = new Inbox();
            connector.subscribe("orders", next);
            assertThat(texts(next.take(1))).containsExactly("between");
        }
    }

    @Test
    void aFullBacklogRejectsThePublishNamingTheTopic() {
        try (Connector connector = Channels.open("CHANNEL_CAPACITY", "2", "CHANNEL_PUBLISH_TIMEOUT_MS", "0")) {
            connector.publish("orders", bytes("0"));
            connector.publish("orders", bytes("1"));

            assertThatThrownBy(() -> connector.publish("orders", bytes("2")))
                    .isInstanceOf(ConnectorException.class)
                    .hasMessageStartingWith("channel topic 'orders' is full: no room in its backlog");
            assertThat(connector.metrics()).containsEntry("rejected_total", 1L).containsEntry("queued", 2L);
        }
    }
}
