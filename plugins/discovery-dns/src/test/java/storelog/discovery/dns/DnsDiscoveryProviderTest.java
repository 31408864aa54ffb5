package storelog.discovery.dns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.module.ModuleDescriptor;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;
import storelog.api.InvalidSettingException;
import storelog.api.Settings;
import storelog.api.spi.Discovery;
import storelog.api.spi.DiscoveryProvider;

class DnsDiscoveryProviderTest {

    /**
     * The tests run on the module path, patched into storelog.discovery.dns, which only provides
     * DiscoveryProvider: the test adds the {@code uses} clause at run time (allowed to a module's own
     * code), so the real ServiceLoader lookup is exercised.
     */
    @Test
    void serviceLoaderFindsTheProviderNamedDns() {
        DnsDiscoveryProviderTest.class.getModule().addUses(DiscoveryProvider.class);

        List<DiscoveryProvider> dns = ServiceLoader.load(DiscoveryProvider.class).stream()
                .map(ServiceLoader.Provider::get).filter(provider -> provider.name().equals("dns")).toList();

        assertThat(dns).singleElement().isInstanceOf(DnsDiscoveryProvider.class);
    }

    @Test
    void theModuleDescriptorProvidesTheDiscoveryAndTheLoggingBridgeAndExportsNothing() {
        ModuleDescriptor descriptor = DnsDiscoveryProvider.class.getModule().getDescriptor();
        assertThat(descriptor).as("tests run on the module path").isNotNull();
        assertThat(descriptor.name()).isEqualTo("storelog.discovery.dns");
        assertThat(descriptor.exports()).isEmpty();
        assertThat(descriptor.provides()).extracting(ModuleDescriptor.Provides::service)
                .containsExactlyInAnyOrder(DiscoveryProvider.class.getName(), "org.slf4j.spi.SLF4JServiceProvider");
        assertThat(descriptor.requires()).extracting(ModuleDescriptor.Requires::name)
                .contains("storelog.api", "org.dnsjava", "org.slf4j");
    }

    @Test
    void openingReadsTheSettingsAndResolvesNothingUntilStarted() {
        try (Discovery discovery = new DnsDiscoveryProvider().open(Settings.of(Map.of(
                "SERVICE_NAME", "storelog.test", "DNS_SERVER", "127.0.0.1:1", "DNS_INTERVAL_MS", "10")))) {
            assertThat(discovery.seeds()).isEmpty();
            assertThat(discovery.members()).isEmpty();
            assertThat(Thread.getAllStackTraces().keySet()).extracting(Thread::getName).doesNotContain(DnsDiscovery.THREAD_NAME);
        }
    }

    @Test
    void openingWithABadSettingFailsNamingIt() {
        assertThatThrownBy(() -> new DnsDiscoveryProvider().open(Settings.of(Map.of("DNS_SERVER", "dns:port"))))
                .isInstanceOfSatisfying(InvalidSettingException.class, e -> assertThat(e.name()).isEqualTo("DNS_SERVER"));
    }
}
