package storelog.connector.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static storelog.connector.kafka.Kafkas.numbered;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import storelog.api.Settings;
import storelog.api.spi.Connector;
import storelog.api.spi.ConnectorException;
import storelog.testkit.Inbox;
import storelog.testkit.Async;

@ExtendWith(KafkaBroker.Shared.class)
class PublishTest {

    private static KafkaBroker broker;

    @BeforeAll
    static void broker(KafkaBroker shared) {
        broker = shared;
    }

    @Test
    void publishedMessagesArriveInTheTopicInOrder() {
        String topic = Kafkas.unique("orders");
        broker.createTopic(topic, 1);
        try (Connector connector = Kafkas.open(broker, Kafkas.unique("group"))) {
            for (String text : numbered("m", 0, 20)) {
                connector.publish(topic, Kafkas.bytes(text));
            }
            assertThat(connector.metrics()).containsEntry("published_total", 20L).containsEntry("publish_failures_total", 0L);
        }
        assertThat(broker.read(topic, 1)).containsExactlyElementsOf(
                java.util.stream.IntStream.range(0, 20).mapToObj(i -> "0@" + i + "=m" + i).toList());
    }

    @Test
    void publishingToAnUnreachableBootstrapFailsWithinItsTimeout() throws Exception {
        Connector connector = new KafkaConnectorProvider().open(Settings.of(Map.of(
                "KAFKA_BOOTSTRAP", "127.0.0.1:" + closedPort(), "KAFKA_PUBLISH_TIMEOUT_MS", "1000")));
        try {
            long start = System.nanoTime();
            CompletableFuture<Void> publish = Async.async(() -> connector.publish("orders", Kafkas.bytes("x")));
            assertThatThrownBy(() -> publish.get(15, TimeUnit.SECONDS))
                    .cause().isInstanceOf(ConnectorException.class)
                    .hasMessageContaining("topic 'orders'")
                    .hasMessageContaining("KAFKA_BOOTSTRAP=127.0.0.1:");
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(10_000);
            assertThat(connector.metrics()).containsEntry("published_total", 0L).containsEntry("publish_failures_total", 1L);
        } finally {
            assertClosesWithin(connector, 15);
        }
    }

    @Test
    void publishingToATopicThatDoesNotExistFailsNamingIt() throws Exception {
        String topic = Kafkas.unique("missing");
        try (Connector connector = Kafkas.open(broker, Kafkas.unique("group"), "KAFKA_PUBLISH_TIMEOUT_MS", "1000")) {
            assertThatThrownBy(() -> connector.publish(topic, Kafkas.bytes("x")))
                    .isInstanceOf(ConnectorException.class)
                    .hasMessageContaining("topic '" + topic + "'");
        }
    }

    @Test
    void aSubscriptionToAnUnreachableBootstrapClosesWithinBoundedTime() throws Exception {
        Connector connector = new KafkaConnectorProvider().open(Settings.of(Map.of(
                "KAFKA_BOOTSTRAP", "127.0.0.1:" + closedPort(), "KAFKA_GROUP", Kafkas.unique("group"))));
        Inbox inbox = new Inbox();
        connector.subscribe("orders", inbox).close();
        connector.subscribe("orders", inbox);
        assertClosesWithin(connector, 15);
        assertThat(inbox.rest()).isEmpty();
    }

    @Test
    void anUnresolvableBootstrapHostFailsPublishAndSubscribeWithConnectorException() throws Exception {
        try (Connector connector = new KafkaConnectorProvider().open(Settings.of(Map.of(
                "KAFKA_BOOTSTRAP", "storelog-test.invalid:9092", "KAFKA_PUBLISH_TIMEOUT_MS", "1000")))) {
            CompletableFuture<Void> publish = Async.async(() -> connector.publish("orders", Kafkas.bytes("x")));
            assertThatThrownBy(() -> publish.get(Kafkas.DEADLINE_SECONDS, TimeUnit.SECONDS))
                    .cause().isInstanceOf(ConnectorException.class).hasMessageContaining("topic 'orders'")
                    .hasMessageContaining("No resolvable bootstrap urls");
            CompletableFuture<Void> subscribe = Async.async(() -> connector.subscribe("orders", new Inbox()));
            assertThatThrownBy(() -> subscribe.get(Kafkas.DEADLINE_SECONDS, TimeUnit.SECONDS))
                    .cause().isInstanceOf(ConnectorException.class).hasMessageContaining("topic 'orders'")
                    .hasMessageContaining("storelog-test.invalid:9092").hasMessageContaining("No resolvable bootstrap urls");
        }
    }

    @Test
    void aClosedConnectorRefusesPublishAndSubscribeAndClosesAreIdempotent() {
        Connector connector = Kafkas.open(broker, Kafkas.unique("group"));
        var subscription = connector.subscribe(Kafkas.unique("orders"), new Inbox());
        subscription.close();
        subscription.close();
        connector.close();
        connector.close();

        assertThatThrownBy(() -> connector.publish("orders", Kafkas.bytes("x"))).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> connector.subscribe("orders", new Inbox())).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void badArgumentsAreRefused() {
        try (Connector connector = Kafkas.open(broker, Kafkas.unique("group"))) {
            assertThatThrownBy(() -> connector.publish(" ", Kafkas.bytes("x"))).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> connector.publish("orders", null)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> connector.subscribe(null, new Inbox())).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> connector.subscribe("orders", null)).isInstanceOf(IllegalArgumentException.class);
        }
    }

    private static void assertClosesWithin(Connector connector, long seconds) throws Exception {
        Async.async(connector::close).get(seconds, TimeUnit.SECONDS);
    }

    /** A loopback port nothing listens on (bound and released: nobody else takes it this soon). */
    private static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
