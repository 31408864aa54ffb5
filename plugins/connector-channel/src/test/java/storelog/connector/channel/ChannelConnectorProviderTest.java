package storelog.connector.channel;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.module.ModuleDescriptor;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;
import storelog.api.Settings;
import storelog.api.spi.Connector;
import storelog.api.spi.ConnectorProvider;

class ChannelConnectorProviderTest {

    /**
     * The tests run on the module path, patched into storelog.connector.channel, which only provides
     * ConnectorProvider: without a {@code uses} clause ServiceLoader.load would throw
     * ServiceConfigurationError here. Rather than add {@code uses} to module-info for the tests' sake,
     * the test adds it at run time with Module.addUses (allowed to a module's own code), so the real
     * ServiceLoader lookup is exercised. On the class path (unnamed module) addUses does nothing and
     * ServiceLoader reads META-INF/services instead.
     */
    @Test
    void serviceLoaderFindsTheProviderNamedChannel() {
        ChannelConnectorProviderTest.class.getModule().addUses(ConnectorProvider.class);

        List<ConnectorProvider> channel = ServiceLoader.load(ConnectorProvider.class).stream()
                .map(ServiceLoader.Provider::get)
                .filter(provider -> provider.name().equals("channel"))
                .toList();

        assertThat(channel).singleElement().isInstanceOf(ChannelConnectorProvider.class);
    }

    @Test
    void theModuleDescriptorProvidesIt() {
        ModuleDescriptor descriptor = ChannelConnectorProvider.class.getModule().getDescriptor();
        assertThat(descriptor).as("tests run on the module path").isNotNull();
        assertThat(descriptor.provides()).anySatisfy(provides -> {
            assertThat(provides.service()).isEqualTo(ConnectorProvider.class.getName());
            assertThat(provides.providers()).containsExactly(ChannelConnectorProvider.class.getName());
        });
    }

    @Test
    void eachOpenGivesANewConnectorWithAllCountersAtZero() {
        ChannelConnectorProvider provider = new ChannelConnectorProvider();
        try (Connector first = provider.open(Settings.of(Map.of()));
             Connector second = provider.open(Settings.of(Map.of()))) {
            assertThat(first).isNotSameAs(second);
            assertThat(first.metrics()).containsOnlyKeys("published_total", "delivered_total",
                            "handler_failures_total", "rejected_total", "dropped_total", "queued")
                    .allSatisfy((name, value) -> assertThat(value).isZero());
        }
    }
}
