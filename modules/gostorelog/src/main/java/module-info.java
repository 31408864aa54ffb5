/**
 * GoStoreLog migration: reads GoStoreLog data directories (read-only, with every index entry and
 * frame checked) and imports them into any {@link storelog.api.spi.StorageEngine}, keeping offsets,
 * data types and payloads.
 */
module storelog.gostorelog {
    requires transitive storelog.api;
    exports storelog.gostorelog;
}
