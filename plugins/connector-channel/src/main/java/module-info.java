/**
 * The default connector ({@code channel}): in-process topics with one bounded queue and one delivery
 * thread per subscription, and backpressure instead of drops. Nothing is exported: the connector is
 * reached only through {@link storelog.api.spi.ConnectorProvider}.
 */
module storelog.connector.channel {
    requires storelog.api;

    provides storelog.api.spi.ConnectorProvider with storelog.connector.channel.ChannelConnectorProvider;
}
