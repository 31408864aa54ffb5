package storelog.connector.channel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static storelog.connector.channel.Channels.bytes;
import static storelog.connector.channel.Channels.texts;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import storelog.api.spi.Connector;
import storelog.api.spi.Subscription;
import storelog.testkit.Inbox;
import storelog.testkit.Async;

class CloseTest {

    @Test
    void subscriptionCloseStopsDeliveryAfterTheMessageInHandAndDropsTheQueue() throws Exception {
        try (Connector connector = Channels.open()) {
            Channels.Gate gate = new Channels.Gate();
            Subscription subscription = connector.subscribe("orders", gate);
            connector.publish("orders", bytes("0"));
            gate.awaitInHand();
            connector.publish("orders", bytes("1"));
            connector.publish("orders", bytes("2"));

            CompletableFuture<Void> closing = Async.async(subscription::close);
            assertThatThrownBy(() -> closing.get(Channels.STILL_BLOCKED_MILLIS, TimeUnit.MILLISECONDS))
                    .as("close waits for the message in hand").isInstanceOf(TimeoutException.class);
            gate.release();
            closing.get(Channels.DEADLINE_SECONDS, TimeUnit.SECONDS);

            assertThat(texts(gate.take(1))).containsExactly("0");
            assertThat(gate.rest()).isEmpty();
            assertThat(connector.metrics()).containsEntry("dropped_total", 2L).containsEntry("queued", 0L);
        }
    }

    @Test
    void aClosedSubscriptionReceivesNoLaterMessages() throws Exception {
        try (Connector connector = Channels.open()) {
            Inbox closed = new Inbox();
            Inbox open = new Inbox();
            connector.subscribe("orders", closed).close();
            connector.subscribe("orders", open);
            connector.publish("orders", bytes("after"));

            assertThat(texts(open.take(1))).containsExactly("after");
            assertThat(closed.rest()).isEmpty();
        }
    }

    @Test
    void closingAFullSubscriptionReleasesABlockedPublisher() throws Exception {
        try (Connector connector = Channels.open("CHANNEL_CAPACITY", "1", "CHANNEL_PUBLISH_TIMEOUT_MS", "30000")) {
            Channels.Gate gate = new Channels.Gate();
            Subscription held = connector.subscribe("orders", gate);
            Inbox other = new Inbox();
            connector.subscribe("orders", other);
            connector.publish("orders", bytes("0"));
            gate.awaitInHand();
            connector.publish("orders", bytes("1"));
            CompletableFuture<Void> blocked = Async.async(() -> connector.publish("orders", bytes("2")));
            assertThatThrownBy(() -> blocked.get(Channels.STILL_BLOCKED_MILLIS, TimeUnit.MILLISECONDS))
                    .isInstanceOf(TimeoutException.class);

            CompletableFuture<Void> closing = Async.async(held::close);
            blocked.get(Channels.DEADLINE_SECONDS, TimeUnit.SECONDS);
            assertThat(texts(other.take(3))).containsExactly("0", "1", "2");
            gate.release();
            closing.get(Channels.DEADLINE_SECONDS, TimeUnit.SECONDS);
        }
    }

    @Test
    void aHandlerMayCloseItsOwnSubscription() throws Exception {
        try (Connector connector = Channels.open()) {
            connector.publish("orders", bytes("0"));
            connector.publish("orders", bytes("1"));
            AtomicReference<Subscription> self = new AtomicReference<>();
            CountDownLatch closedItself = new CountDownLatch(1);
            CountDownLatch subscribed = new CountDownLatch(1);
            self.set(connector.subscribe("orders", message -> {
                subscribed.await();
                self.get().close();
                closedItself.countDown();
            }));
            subscribed.countDown();

            assertThat(closedItself.await(Channels.DEADLINE_SECONDS, TimeUnit.SECONDS)).isTrue();
            assertThat(connector.metrics()).containsEntry("dropped_total", 1L).containsEntry("queued", 0L);
        }
    }

    @Test
    void connectorCloseMakesPublishAndSubscribeThrow() {
        Connector connector = Channels.open();
        connector.subscribe("orders", new Inbox());
        connector.close();

        assertThatThrownBy(() -> connector.publish("orders", bytes("x"))).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> connector.publish("new-topic", bytes("x"))).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> connector.subscribe("orders", new Inbox()))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void connectorCloseWaitsForTheMessageInHand() throws Exception {
        Connector connector = Channels.open();
        Channels.Gate gate = new Channels.Gate();
        connector.subscribe("orders", gate);
        connector.publish("orders", bytes("0"));
        gate.awaitInHand();
        connector.publish("orders", bytes("1"));

        CompletableFuture<Void> closing = Async.async(connector::close);
        assertThatThrownBy(() -> closing.get(Channels.STILL_BLOCKED_MILLIS, TimeUnit.MILLISECONDS))
                .isInstanceOf(TimeoutException.class);
        gate.release();
        closing.get(Channels.DEADLINE_SECONDS, TimeUnit.SECONDS);

        assertThat(gate.rest()).as("handled before close returned; the queued one dropped").containsExactly("0");
        assertThat(connector.metrics()).containsEntry("dropped_total", 1L);
    }

    @Test
    void connectorCloseFailsABlockedPublishWithIllegalStateException() throws Exception {
        Connector connector = Channels.open("CHANNEL_CAPACITY", "1", "CHANNEL_PUBLISH_TIMEOUT_MS", "30000");
        Channels.Gate gate = new Channels.Gate();
        connector.subscribe("orders", gate);
        connector.publish("orders", bytes("0"));
        gate.awaitInHand();
        connector.publish("orders", bytes("1"));
        CompletableFuture<Void> blocked = Async.async(() -> connector.publish("orders", bytes("2")));
        assertThatThrownBy(() -> blocked.get(Channels.STILL_BLOCKED_MILLIS, TimeUnit.MILLISECONDS))
                .isInstanceOf(TimeoutException.class);

        CompletableFuture<Void> closing = Async.async(connector::close);
        assertThatThrownBy(() -> blocked.get(Channels.DEADLINE_SECONDS, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(IllegalStateException.class);
        gate.release();
        closing.get(Channels.DEADLINE_SECONDS, TimeUnit.SECONDS);
    }

    @Test
    void closesAreIdempotent() {
        Connector connector = Channels.open();
        Subscription subscription = connector.subscribe("orders", new Inbox());
        subscription.close();
        subscription.close();
        Subscription open = connector.subscribe("orders", new Inbox());
        connector.close();
        connector.close();
        open.close();
        assertThat(connector.metrics()).containsEntry("dropped_total", 0L);
    }
}
