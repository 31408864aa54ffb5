/**
 * The default storage engine ({@code file}): per partition a directory of segments, each a
 * {@code .store} file of checksummed frames and a fixed-width {@code .index}, and the partition's
 * leader-epoch history ({@code leader-epochs}). Nothing is exported:
 * the engine is reached only through {@link storelog.api.spi.StorageEngineProvider}.
 */
module storelog.store.file {
    requires storelog.api;
    requires jdk.management; // the file-descriptor limit, which sizes the open-files LRU (OpenFileBudget)

    provides storelog.api.spi.StorageEngineProvider with storelog.store.file.FileStorageProvider;
}
