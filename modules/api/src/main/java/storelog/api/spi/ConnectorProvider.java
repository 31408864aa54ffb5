package storelog.api.spi;

import storelog.api.Settings;

/** Service provider of a {@link Connector}, chosen by {@link #name()} ({@code CONNECTOR}). */
public interface ConnectorProvider extends PluginProvider {

    /** The name used in configuration, e.g. {@code channel}, {@code kafka}. */
    String name();

    /** Opens a connector from its settings (e.g. {@code KAFKA_BOOTSTRAP}). */
    Connector open(Settings settings);
}
