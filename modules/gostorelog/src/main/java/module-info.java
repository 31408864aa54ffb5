/**
 * GoStoreLog's on-disk format (DESIGN.md §4): reading its data directories and importing them into
 * any {@link storelog.api.spi.StorageEngine}, keeping partitions, offsets, data types and payloads.
 */
module storelog.gostorelog {
    requires transitive storelog.api;

    exports storelog.gostorelog;
}
