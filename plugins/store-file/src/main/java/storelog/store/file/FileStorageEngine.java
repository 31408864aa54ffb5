package storelog.store.file;

import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Comparator;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import storelog.api.EpochStart;
import storelog.api.NewRecord;
import storelog.api.PartitionInfo;
import storelog.api.PartitionKey;
import storelog.api.Record;
import storelog.api.StorageFailedException;
import storelog.api.UnknownPartitionException;
import storelog.api.spi.StorageEngine;

/**
 * The file storage engine: a {@link DataDirectory} of partitions, each a {@link PartitionLog} of
 * segments. Partitions load lazily on first use, so opening reads no segment data. After a crash,
 * too: each partition is recovered when it is first used (any read, append, info, truncation, epochs
 * or listing), never serving anything before its own recovery, and the ones nobody uses are recovered
 * in the background ({@link BackgroundRecovery}) — so the time to open does not grow with the number
 * of partitions. A clean close before all were recovered names the rest in its marker
 * ({@link DataDirectory#markClean}). Thread-safe; see {@link StorageEngine} for the contract.
 */
final class FileStorageEngine implements StorageEngine {

    private static final Logger LOG = System.getLogger(FileStorageEngine.class.getName());
    /** Partitions recovered or closed at once: their fsyncs overlap and share journal commits. */
    private static final int PARALLELISM = 32;

    private final DataDirectory directory;
    private final StoreContext context;
    private final ConcurrentHashMap<PartitionKey, PartitionLog> partitions = new ConcurrentHashMap<>();
    /** Recovering the partitions of an unclean stop nobody used yet; null when none needed it. */
    private BackgroundRecovery recovery;
    private volatile boolean closed;

    private FileStorageEngine(DataDirectory directory, StoreContext context) {
        this.directory = directory;
        this.context = context;
    }

    static FileStorageEngine open(StoreConfig config, Disk disk) {
        return open(config, disk, true);
    }

    /**
     * @param recoverInBackground whether the partitions of an unclean stop are recovered in the
     *                            background too, not only on first use (tests turn it off to see
     *                            what first use alone does)
     */
    static FileStorageEngine open(StoreConfig config, Disk disk, boolean recoverInBackground) {
        DataDirectory directory = DataDirectory.open(config.dataDir(), true, disk);
        OpenFiles files = new OpenFiles(disk, config.maxOpenFiles());
        FileStorageEngine engine = new FileStorageEngine(directory, new StoreContext(config, disk, files,
                new Flusher(config.fsync().flushDelayNanos()), new SyncThreads(),
                new GroupedDirectoryForce(disk, config.dataDir())));
        try {
            if (config.fsync().mode() != FsyncPolicy.Mode.ALWAYS) {
                directory.recordUnforcedRolls();
            }
            engine.discover(recoverInBackground);
        } catch (IOException e) {
            engine.closeResources();
            throw new StorageFailedException("cannot write " + DataDirectory.UNFORCED_ROLLS + " in " + config.dataDir() + ": " + e, e);
        } catch (RuntimeException e) {
            engine.closeResources();
            throw e;
        }
        return engine;
    }

    private void discover(boolean recoverInBackground) {
        long start = System.nanoTime();
        List<PartitionKey> keys;
        try {
            keys = directory.partitionKeys();
        } catch (IOException e) {
            throw new StorageFailedException("cannot list the partitions in " + directory.root() + ": " + e, e);
        }
        List<PartitionLog> crashed = new ArrayList<>();
        for (PartitionKey key : keys) {
            PartitionLog log = new PartitionLog(key, context, directory.recoveryOf(key));
            partitions.put(key, log);
            if (log.awaitsRecovery()) {
                crashed.add(log);
            }
        }
        if (!crashed.isEmpty()) {
            try {
                // the partition directories in it: each partition's recovery forces those below
                Directories.force(context.disk(), directory.root());
            } catch (IOException e) {
                throw new StorageFailedException("cannot force " + directory.root() + ": " + e, e);
            }
            if (recoverInBackground) {
                recovery = BackgroundRecovery.start(crashed);
            }
        }
        LOG.log(Level.INFO, "opened {0} ({1} partitions, {2}) in {3} ms; FSYNC={4}: {5}", directory.root(), keys.size(),
                crashed.isEmpty() ? "clean start" : crashed.size() + " to recover after an unclean stop, on first use and in the background",
                (System.nanoTime() - start) / 1_000_000, context.config().fsync(), context.config().fsync().guarantee());
    }

    @Override
    public long append(PartitionKey partition, List<NewRecord> records) {
        return writable(partition).append(-1, EpochHistory.CURRENT, records);
    }

    @Override
    public long appendAt(PartitionKey partition, long expectedOffset, List<NewRecord> records) {
        return writable(partition).append(checkExpected(expectedOffset), EpochHistory.CURRENT, records);
    }

    @Override
    public long append(PartitionKey partition, long epoch, List<NewRecord> records) {
        return writable(partition).append(-1, checkEpoch(epoch), records);
    }

    @Override
    public long appendAt(PartitionKey partition, long expectedOffset, long epoch, List<NewRecord> records) {
        return writable(partition).append(checkExpected(expectedOffset), checkEpoch(epoch), records);
    }

    @Override
    public PendingAppend beginAppendAt(PartitionKey partition, long expectedOffset, long epoch, List<NewRecord> records) {
        return writable(partition).begin(checkExpected(expectedOffset), checkEpoch(epoch), records);
    }

    private static long checkExpected(long expectedOffset) {
        if (expectedOffset < 0) {
            throw new IllegalArgumentException("expected offset " + expectedOffset + " is negative");
        }
        return expectedOffset;
    }

    private static long checkEpoch(long epoch) {
        if (epoch < 0) {
            throw new IllegalArgumentException("epoch " + epoch + " is negative");
        }
        return epoch;
    }

    @Override
    public void startEpoch(PartitionKey partition, long epoch, long startOffset) {
        existing(partition).startEpoch(checkEpoch(epoch), startOffset);
    }

    @Override
    public List<EpochStart> epochs(PartitionKey partition) {
        checkOpen();
        PartitionLog log = partitions.get(partition);
        return log == null ? List.of() : log.epochs();
    }

    @Override
    public Map<String, Long> metrics() {
        long[] appended = new long[3];
        partitions.values().forEach(log -> log.addAppendCounts(appended));
        OpenFiles files = context.files();
        return Map.of("appends_total", appended[0], "records_appended_total", appended[1], "bytes_appended_total", appended[2],
                "fsyncs_total", files.fsyncs(), "open_files", (long) files.openCount(),
                "open_file_hits_total", files.hits(), "open_file_misses_total", files.misses(),
                "partitions", (long) partitions.size(),
                "failed_partitions", partitions.values().stream().filter(PartitionLog::failed).count(),
                "partitions_awaiting_recovery", partitions.values().stream().filter(PartitionLog::awaitsRecovery).count());
    }

    @Override
    public Record read(PartitionKey partition, long offset) {
        return existing(partition).read(offset);
    }

    @Override
    public List<Record> read(PartitionKey partition, long fromOffset, int maxRecords, long maxBytes) {
        if (maxRecords < 1 || maxBytes < 1) {
            throw new IllegalArgumentException("maxRecords and maxBytes must be positive");
        }
        return existing(partition).read(fromOffset, maxRecords, maxBytes);
    }

    @Override
    public Optional<PartitionInfo> info(PartitionKey partition) {
        checkOpen();
        PartitionLog log = partitions.get(partition);
        return log != null && log.exists() ? Optional.of(log.info()) : Optional.empty();
    }

    /**
     * Every partition, each one recovered first if it awaits that — in parallel, so a listing right
     * after a crash costs what the eager recovery of all would have, not one partition after another.
     */
    @Override
    public List<PartitionInfo> partitions() {
        checkOpen();
        if (partitions.values().stream().anyMatch(PartitionLog::awaitsRecovery)) {
            inParallel(log -> {
                log.exists();
                return true;
            });
        }
        return partitions.values().stream().filter(PartitionLog::exists).map(PartitionLog::info)
                .sorted(Comparator.comparing(PartitionInfo::partition)).toList();
    }

    @Override
    public void truncate(PartitionKey partition, long fromOffset) {
        existing(partition).truncate(fromOffset);
    }

    /** How many segment files are open now (bounded by {@code STORE_MAX_OPEN_FILES} plus files in use). */
    int openFiles() {
        return context.files().openCount();
    }

    /**
     * The partition, created in memory if it is new. A partition added while {@link #close()} runs
     * might be missed by it, so after adding one the engine checks again and closes it itself: close
     * sets {@code closed} before it walks the partitions, so either the walk sees the new partition or
     * this check sees {@code closed}.
     */
    private PartitionLog writable(PartitionKey partition) {
        checkOpen();
        PartitionLog log = partitions.get(partition);
        if (log != null) {
            return log;
        }
        log = partitions.computeIfAbsent(partition, key -> new PartitionLog(key, context, DataDirectory.Recovery.NONE));
        if (closed) {
            log.close();
            checkOpen();
        }
        return log;
    }

    private PartitionLog existing(PartitionKey partition) {
        checkOpen();
        PartitionLog log = partitions.get(partition);
        if (log == null || !log.exists()) {
            throw new UnknownPartitionException(partition);
        }
        return log;
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("the storage engine is closed");
        }
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (recovery != null) {
            recovery.close();
        }
        context.flusher().close();
        boolean clean = inParallel(PartitionLog::close);
        context.syncThreads().shutdown();
        context.files().close();
        try {
            if (clean) {
                directory.markClean(partitions.values().stream().filter(PartitionLog::awaitsRecovery).map(PartitionLog::key).toList());
            } else {
                LOG.log(Level.WARNING, "{0}: not marked clean, a partition failed; the next start recovers", directory.root());
            }
        } catch (IOException e) {
            LOG.log(Level.ERROR, "writing the clean-shutdown marker failed; the next start recovers", e);
        } finally {
            directory.close();
        }
    }

    /**
     * Runs {@code step} on every partition, {@value #PARALLELISM} at a time; returns whether it returned
     * true for all. The first exception a step threw is rethrown once all have run.
     */
    private boolean inParallel(Predicate<PartitionLog> step) {
        Semaphore slots = new Semaphore(PARALLELISM);
        AtomicBoolean all = new AtomicBoolean(true);
        AtomicReference<RuntimeException> failed = new AtomicReference<>();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (PartitionLog log : partitions.values()) {
                slots.acquireUninterruptibly();
                pool.execute(() -> {
                    try {
                        if (!step.test(log)) {
                            all.set(false);
                        }
                    } catch (RuntimeException e) {
                        failed.compareAndSet(null, e);
                    } finally {
                        slots.release();
                    }
                });
            }
        }
        if (failed.get() != null) {
            throw failed.get();
        }
        return all.get();
    }

    private void closeResources() {
        if (recovery != null) {
            recovery.close();
        }
        context.flusher().close();
        context.syncThreads().shutdown();
        context.files().close();
        directory.close();
    }
}
