package storelog.connector.channel;

import static org.assertj.core.api.Assertions.assertThat;
import static storelog.connector.channel.Channels.bytes;
import static storelog.connector.channel.Channels.text;
import static storelog.connector.channel.Channels.texts;

import java.io.IOException;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import storelog.api.spi.Connector;
import storelog.api.spi.Message;
import storelog.api.spi.Subscription;
import storelog.testkit.Inbox;

class HandlerFailureTest {

    @Test
    void aHandlerThatThrowsOnEveryOtherMessageIsOfferedEveryMessage() throws Exception {
        int count = 1_000;
        try (Connector connector = Channels.open()) {
            Inbox inbox = new Inbox() {
                @Override
                public void handle(Message message) throws Exception {
                    super.handle(message);
                    if (Integer.parseInt(text(message)) % 2 == 1) {
                        throw new IllegalStateException("odd message " + text(message));
                    }
                }
            };
            Subscription subscription = connector.subscribe("orders", inbox);
            for (int i = 0; i < count; i++) {
                connector.publish("orders", bytes(Integer.toString(i)));
            }

            assertThat(texts(inbox.take(count)))
                    .containsExactlyElementsOf(IntStream.range(0, count).mapToObj(Integer::toString).toList());
            subscription.close(); // waits for the delivery thread, so the counters are final
            assertThat(connector.metrics())
                    .containsEntry("delivered_total", (long) count)
                    .containsEntry("handler_failures_total", (long) count / 2);
        }
    }

    @Test
    void checkedExceptionsAndErrorsDoNotStopDeliveryEither() throws Exception {
        List<Exception> checked = List.of(new IOException("disk"), new Exception("plain"));
        try (Connector connector = Channels.open()) {
            Inbox inbox = new Inbox() {
                @Override
                public void handle(Message message) throws Exception {
                    super.handle(message);
                    switch (text(message)) {
                        case "io" -> throw checked.get(0);
                        case "plain" -> throw checked.get(1);
                        case "assertion" -> throw new AssertionError("a bug");
                        case "linkage" -> throw new NoClassDefFoundError("Missing");
                        default -> { }
                    }
                }
            };
            Subscription subscription = connector.subscribe("orders", inbox);
            List<String> sent = List.of("io", "plain", "assertion", "linkage", "fine");
            sent.forEach(t -> connector.publish("orders", bytes(t)));

            assertThat(texts(inbox.take(sent.size()))).containsExactlyElementsOf(sent);
            subscription.close();
            assertThat(connector.metrics()).containsEntry("delivered_total", 5L).containsEntry("handler_failures_total", 4L);
        }
    }

    @Test
    void aFailingSubscriptionDoesNotDisturbTheOthers() throws Exception {
        try (Connector connector = Channels.open()) {
            connector.subscribe("orders", message -> {
                throw new IllegalStateException("always");
            });
            Inbox healthy = new Inbox();
            connector.subscribe("orders", healthy);
            for (int i = 0; i < 100; i++) {
                connector.publish("orders", bytes(Integer.toString(i)));
            }

            assertThat(healthy.take(100)).hasSize(100);
        }
    }
}
