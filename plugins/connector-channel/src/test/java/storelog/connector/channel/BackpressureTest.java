package storelog.connector.channel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static storelog.connector.channel.Channels.bytes;
import static storelog.connector.channel.Channels.texts;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import storelog.api.spi.Connector;
import storelog.api.spi.ConnectorException;
import storelog.testkit.Inbox;
import storelog.testkit.Async;

/** Capacity 2, a handler held on message 0, messages 1 and 2 filling its queue: message 3 must wait. */
class BackpressureTest {

    private static Channels.Gate fill(Connector connector) throws InterruptedException {
        Channels.Gate gate = new Channels.Gate();
        connector.subscribe("orders", gate);
        connector.publish("orders", bytes("0"));
        assertThat(gate.awaitInHand()).isEqualTo("0");
        connector.publish("orders", bytes("1"));
        connector.publish("orders", bytes("2"));
        return gate;
    }

    @Test
    void publishBlocksWhileTheQueueIsFullAndReturnsOnceTheHandlerMakesRoom() throws Exception {
        try (Connector connector = Channels.open("CHANNEL_CAPACITY", "2", "CHANNEL_PUBLISH_TIMEOUT_MS", "30000")) {
            Channels.Gate gate = fill(connector);

            CompletableFuture<Void> blocked = Async.async(() -> connector.publish("orders", bytes("3")));
            assertThatThrownBy(() -> blocked.get(Channels.STILL_BLOCKED_MILLIS, TimeUnit.MILLISECONDS))
                    .as("publish returned while the queue was full").isInstanceOf(TimeoutException.class);
            assertThat(connector.metrics()).containsEntry("published_total", 3L).containsEntry("queued", 2L);

            gate.release();
            blocked.get(Channels.DEADLINE_SECONDS, TimeUnit.SECONDS);
            assertThat(texts(gate.take(4))).containsExactly("0", "1", "2", "3");
            assertThat(connector.metrics()).containsEntry("published_total", 4L).containsEntry("rejected_total", 0L);
        }
    }

    @Test
    void publishThatWaitsPastTheTimeoutThrowsNamingTheTopicAndIsCounted() throws Exception {
        try (Connector connector = Channels.open("CHANNEL_CAPACITY", "2", "CHANNEL_PUBLISH_TIMEOUT_MS", "100")) {
            Channels.Gate gate = fill(connector);
            Inbox audit = new Inbox();
            connector.subscribe("audit", audit);

            long start = System.nanoTime();
            assertThatThrownBy(() -> connector.publish("orders", bytes("3")))
                    .isInstanceOf(ConnectorException.class)
                    .hasMessageStartingWith("channel topic 'orders' is full: no room in the queue of subscription orders#0 after 100 ms");
            assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(100));
            assertThat(connector.metrics()).containsEntry("rejected_total", 1L).containsEntry("published_total", 3L);

            connector.publish("audit", bytes("a")); // another topic is not held back
            assertThat(texts(audit.take(1))).containsExactly("a");
            gate.release();
            assertThat(texts(gate.take(3))).containsExactly("0", "1", "2");
            connector.close(); // waits for the delivery threads to end
            assertThat(gate.rest()).as("the rejected message reached no one").isEmpty();
        }
    }

    @Test
    void zeroTimeoutRejectsAtOnceWhenFull() throws Exception {
        try (Connector connector = Channels.open("CHANNEL_CAPACITY", "2", "CHANNEL_PUBLISH_TIMEOUT_MS", "0")) {
            Channels.Gate gate = fill(connector);

            assertThatThrownBy(() -> connector.publish("orders", bytes("3")))
                    .isInstanceOf(ConnectorException.class)
                    .hasMessageContaining("'orders' is full");
            assertThat(connector.metrics()).containsEntry("rejected_total", 1L);
            gate.release();
            assertThat(texts(gate.take(3))).containsExactly("0", "1", "2");
        }
    }

    @Test
    void oneSlowSubscriptionHoldsBackPublishesToItsTopic() throws Exception {
        try (Connector connector = Channels.open("CHANNEL_CAPACITY", "2", "CHANNEL_PUBLISH_TIMEOUT_MS", "30000")) {
            Inbox fast = new Inbox();
            connector.subscribe("orders", fast);
            Channels.Gate slow = fill(connector);
            fast.take(3);

            CompletableFuture<Void> blocked = Async.async(() -> connector.publish("orders", bytes("3")));
            assertThatThrownBy(() -> blocked.get(Channels.STILL_BLOCKED_MILLIS, TimeUnit.MILLISECONDS))
                    .isInstanceOf(TimeoutException.class);
            assertThat(fast.rest()).isEmpty();

            slow.release();
            blocked.get(Channels.DEADLINE_SECONDS, TimeUnit.SECONDS);
            assertThat(texts(fast.take(1))).containsExactly("3");
            assertThat(texts(slow.take(4))).containsExactly("0", "1", "2", "3");
        }
    }
}
