package storelog.connector.channel;

import storelog.api.Settings;
import storelog.api.spi.Connector;
import storelog.api.spi.ConnectorProvider;

/**
 * The {@code channel} connector: StoreLog's default, in-process topics. Settings:
 * {@code CHANNEL_CAPACITY} and {@code CHANNEL_PUBLISH_TIMEOUT_MS} (see {@link ChannelConfig}); the
 * delivery, backlog, backpressure and close policies are those of {@link ChannelConnector}.
 */
public final class ChannelConnectorProvider implements ConnectorProvider {

    /** The connector's configuration name. */
    public static final String NAME = "channel";

    public ChannelConnectorProvider() {
        // found by ServiceLoader
    }

    @Override
    public String name() {
        return NAME;
    }

    /**
     * Opens a new, empty connector: each call has its own topics.
     *
     * @throws storelog.api.InvalidSettingException when a setting is unusable
     */
    @Override
    public Connector open(Settings settings) {
        return new ChannelConnector(ChannelConfig.from(settings));
    }
}
