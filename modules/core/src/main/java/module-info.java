/**
 * StoreLog's use cases over the SPIs: publish, batch, read, range, tail, partitions, replication
 * appends, the connector handler; GoStoreLog's JSON wire format; and the plugin registry that finds
 * providers with {@link java.util.ServiceLoader}. Knows no plugin by name.
 */
module storelog.core {
    requires transitive storelog.api;
    requires com.fasterxml.jackson.core;

    exports storelog.core;

    uses storelog.api.spi.StorageEngineProvider;
    uses storelog.api.spi.ConnectorProvider;
    uses storelog.api.spi.LeaderElectorProvider;
    uses storelog.api.spi.DiscoveryProvider;
}
