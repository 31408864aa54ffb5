package storelog.connector.channel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static storelog.connector.channel.Channels.bytes;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;
import storelog.api.spi.Connector;
import storelog.testkit.Inbox;

class PublishArgumentsTest {

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {" ", "\t\n"})
    void aNullOrBlankTopicIsRefused(String topic) {
        try (Connector connector = Channels.open()) {
            assertThatThrownBy(() -> connector.publish(topic, bytes("x"))).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> connector.subscribe(topic, new Inbox()))
                    .isInstanceOf(IllegalArgumentException.class);
            assertThat(connector.metrics()).containsEntry("published_total", 0L);
        }
    }

    @Test
    void aNullMessageOrHandlerIsRefused() {
        try (Connector connector = Channels.open()) {
            assertThatThrownBy(() -> connector.publish("orders", null)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> connector.subscribe("orders", null)).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void thePayloadIsPassedOnNotCopied() throws Exception {
        try (Connector connector = Channels.open()) {
            Inbox inbox = new Inbox();
            connector.subscribe("orders", inbox);
            byte[] payload = bytes("x");
            connector.publish("orders", payload);
            assertThat(inbox.take(1).get(0).payload()).isSameAs(payload);
        }
    }
}
