/**
 * The default connector ({@code channel}): in-process topics with bounded queues. Nothing is
 * exported; it is reached only through {@link storelog.api.spi.ConnectorProvider}.
 */
module storelog.connector.channel {
    requires storelog.api;

    provides storelog.api.spi.ConnectorProvider with storelog.connector.channel.ChannelConnectorProvider;
}
