package storelog.connector.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.module.ModuleDescriptor;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;
import storelog.api.Settings;
import storelog.api.spi.Connector;
import storelog.api.spi.ConnectorProvider;

class KafkaConnectorProviderTest {

    /**
     * The tests run on the module path, patched into storelog.connector.kafka, which only provides
     * ConnectorProvider: the test adds the {@code uses} clause at run time with Module.addUses
     * (allowed to a module's own code), so the real ServiceLoader lookup is exercised.
     */
    @Test
    void serviceLoaderFindsTheProviderNamedKafka() {
        KafkaConnectorProviderTest.class.getModule().addUses(ConnectorProvider.class);

        List<ConnectorProvider> kafka = ServiceLoader.load(ConnectorProvider.class).stream()
                .map(ServiceLoader.Provider::get)
                .filter(provider -> provider.name().equals("kafka"))
                .toList();

        assertThat(kafka).singleElement().isInstanceOf(KafkaConnectorProvider.class);
    }

    @Test
    void theModuleDescriptorProvidesItAndExportsNothing() {
        ModuleDescriptor descriptor = KafkaConnectorProvider.class.getModule().getDescriptor();
        assertThat(descriptor).as("tests run on the module path").isNotNull();
        assertThat(descriptor.name()).isEqualTo("storelog.connector.kafka");
        assertThat(descriptor.exports()).isEmpty();
        assertThat(descriptor.provides()).anySatisfy(provides -> {
            assertThat(provides.service()).isEqualTo(ConnectorProvider.class.getName());
            assertThat(provides.providers()).containsExactly(KafkaConnectorProvider.class.getName());
        });
        assertThat(descriptor.requires()).extracting(ModuleDescriptor.Requires::name)
                .contains("storelog.api", "kafka.clients", "org.slf4j", "java.management");
    }

    @Test
    void kafkaClientsIsTheAutomaticModuleKafkaClients() {
        Module clients = org.apache.kafka.clients.producer.KafkaProducer.class.getModule();
        assertThat(clients.getName()).isEqualTo("kafka.clients");
        assertThat(clients.getDescriptor().isAutomatic()).isTrue();
    }

    @Test
    void openingConnectsNothingAndEveryCounterStartsAtZero() {
        KafkaConnectorProvider provider = new KafkaConnectorProvider();
        try (Connector first = provider.open(Settings.of(Map.of("KAFKA_BOOTSTRAP", "127.0.0.1:1")));
             Connector second = provider.open(Settings.of(Map.of()))) {
            assertThat(first).isNotSameAs(second);
            assertThat(first.metrics()).containsOnlyKeys("published_total", "publish_failures_total", "delivered_total",
                            "handler_failures_total", "committed_total", "commit_failures_total", "consumer_errors_total",
                            "consumer_lag")
                    .allSatisfy((name, value) -> assertThat(value).isZero());
        }
    }
}
