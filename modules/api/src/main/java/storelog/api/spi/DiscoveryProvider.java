package storelog.api.spi;

import storelog.api.Settings;

/** Service provider of a {@link Discovery} plugin, chosen by {@link #name()}. */
public interface DiscoveryProvider extends PluginProvider {

    /** The name used in configuration and {@code /status}, e.g. {@code gossip}, {@code dns}. */
    String name();

    /** Creates the plugin from its settings (e.g. {@code BIND_ADDR}, {@code SERVICE_NAME}); it does nothing until started. */
    Discovery open(Settings settings);
}
