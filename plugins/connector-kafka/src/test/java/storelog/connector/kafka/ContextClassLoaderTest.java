package storelog.connector.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static storelog.connector.kafka.Kafkas.numbered;

import java.net.URL;
import java.net.URLClassLoader;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import storelog.api.spi.Connector;

/**
 * kafka-clients loads classes and resources through the context class loader, which in StoreLog is
 * the caller's, not the plugin's: the connector sets the plugin's own loader where the clients run.
 */
@ExtendWith(KafkaBroker.Shared.class)
class ContextClassLoaderTest {

    private static KafkaBroker broker;

    @BeforeAll
    static void broker(KafkaBroker shared) {
        broker = shared;
    }

    @Test
    void handlersRunWithThePluginsLoaderWhateverTheSubscribersLoader() throws Exception {
        String topic = Kafkas.unique("orders");
        broker.createTopic(topic, 1);
        broker.produce(topic, 0, numbered("m", 0, 1));
        ClassLoader foreign = new URLClassLoader("foreign", new URL[0], null);
        CompletableFuture<ClassLoader> seen = new CompletableFuture<>();
        Thread caller = Thread.currentThread();
        ClassLoader previous = caller.getContextClassLoader();
        try (Connector connector = Kafkas.open(broker, Kafkas.unique("group"))) {
            caller.setContextClassLoader(foreign);
            try {
                connector.subscribe(topic, message -> seen.complete(Thread.currentThread().getContextClassLoader()));
                assertThat(caller.getContextClassLoader()).as("the subscriber's loader is left as it was").isSameAs(foreign);
            } finally {
                caller.setContextClassLoader(previous);
            }
            assertThat(seen.get(Kafkas.DEADLINE_SECONDS, TimeUnit.SECONDS)).isSameAs(KafkaConnector.class.getClassLoader());
        }
    }

    @Test
    void publishingLeavesThePublishersLoaderAsItWas() {
        String topic = Kafkas.unique("orders");
        broker.createTopic(topic, 1);
        ClassLoader foreign = new URLClassLoader("foreign", new URL[0], null);
        Thread caller = Thread.currentThread();
        ClassLoader previous = caller.getContextClassLoader();
        try (Connector connector = Kafkas.open(broker, Kafkas.unique("group"))) {
            caller.setContextClassLoader(foreign);
            try {
                connector.publish(topic, Kafkas.bytes("x"));
                assertThat(caller.getContextClassLoader()).isSameAs(foreign);
            } finally {
                caller.setContextClassLoader(previous);
            }
        }
        assertThat(broker.read(topic, 1)).containsExactly("0@0=x");
    }
}
