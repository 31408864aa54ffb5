package storelog.store.file;

/**
 * What every partition of one open engine shares.
 *
 * @param config     the engine's settings
 * @param files      the bounded set of open files
 * @param flusher    background flushes ({@code FSYNC=interval|never})
 * @param cleanStart whether the engine was shut down cleanly before this start
 */
record StoreContext(StoreConfig config, OpenFiles files, Flusher flusher, boolean cleanStart) {
}
