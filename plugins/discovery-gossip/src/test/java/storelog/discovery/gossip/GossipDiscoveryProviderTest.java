package storelog.discovery.gossip;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.module.ModuleDescriptor;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;
import storelog.api.Settings;
import storelog.api.spi.Discovery;
import storelog.api.spi.DiscoveryProvider;

class GossipDiscoveryProviderTest {

    /** The tests run on the module path: the test adds the {@code uses} clause (Module.addUses) to exercise ServiceLoader. */
    @Test
    void serviceLoaderFindsTheProviderNamedGossip() {
        GossipDiscoveryProviderTest.class.getModule().addUses(DiscoveryProvider.class);

        List<DiscoveryProvider> gossip = ServiceLoader.load(DiscoveryProvider.class).stream().map(ServiceLoader.Provider::get)
                .filter(provider -> provider.name().equals("gossip")).toList();

        assertThat(gossip).singleElement().isInstanceOf(GossipDiscoveryProvider.class);
    }

    @Test
    void theModuleProvidesItExportsNothingAndOpensItsPackageToJGroupsOnly() {
        ModuleDescriptor descriptor = GossipDiscoveryProvider.class.getModule().getDescriptor();
        assertThat(descriptor).as("tests run on the module path").isNotNull();

        assertThat(descriptor.name()).isEqualTo("storelog.discovery.gossip");
        assertThat(descriptor.exports()).isEmpty();
        assertThat(descriptor.opens()).singleElement().satisfies(opens -> {
            assertThat(opens.source()).isEqualTo("storelog.discovery.gossip");
            assertThat(opens.targets()).containsExactly("org.jgroups");
        });
        assertThat(descriptor.provides()).singleElement().satisfies(provides -> {
            assertThat(provides.service()).isEqualTo(DiscoveryProvider.class.getName());
            assertThat(provides.providers()).containsExactly(GossipDiscoveryProvider.class.getName());
        });
        assertThat(org.jgroups.JChannel.class.getModule().getDescriptor().isAutomatic()).isTrue();
    }

    @Test
    void openingBindsNothingAndAnOpenedPluginNeedNotBeStarted() {
        int port = Ports.free();
        Discovery first = new GossipDiscoveryProvider().open(Settings.of(TestNode.settings("c", port, null)));
        Discovery second = new GossipDiscoveryProvider().open(Settings.of(TestNode.settings("c", port, null)));

        assertThat(first).isNotSameAs(second);
        assertThat(first.members()).isEmpty();
        assertThat(first.seeds()).as("gossip resolves no seeds of its own").isEmpty();
        first.close();
        second.close();
    }

    @Test
    void openingWithNoSettingsUsesTheDefaults() {
        Discovery discovery = new GossipDiscoveryProvider().open(Settings.of(Map.of()));

        assertThat(discovery.members()).isEmpty();
        discovery.close();
    }
}
