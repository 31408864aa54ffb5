package storelog.store.file;

import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
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
 * segments. Opening neither lists the partitions nor reads segment data: a partition is found on its
 * first use ({@link PartitionTable}) and loaded then. After a crash, too: each partition is recovered
 * when it is first used (any read, append, info, truncation, epochs or listing), never serving
 * anything before its own recovery, and the ones nobody uses are recovered in the background
 * ({@link BackgroundRecovery}, from {@link #serving()} on) — so the time to open does not grow with the
 * number of partitions. What must see every partition (the listing, the background recovery, the
 * close's marker) walks {@code DATA_DIR} then; the metrics' counts walk it once ({@link PartitionCount}).
 * A clean close before all were recovered names the rest in its marker ({@link DataDirectory#markClean}).
 * Thread-safe; see {@link StorageEngine} for the contract.
 */
final class FileStorageEngine implements StorageEngine {

    private static final Logger LOG = System.getLogger(FileStorageEngine.class.getName());
    /** Partitions recovered or closed at once: their fsyncs overlap and share journal commits. */
    private static final int PARALLELISM = 32;

    private final DataDirectory directory;
    private final StoreContext context;
    private final PartitionTable partitions;
    /** Recovering the partitions of an unclean stop nobody used yet; null when none needed it. Set by the open. */
    private BackgroundRecovery recovery;
    private volatile boolean closed;

    private FileStorageEngine(DataDirectory directory, StoreContext context) {
        this.directory = directory;
        this.context = context;
        this.partitions = new PartitionTable(directory, context);
    }

    static FileStorageEngine open(StoreConfig config, Disk disk) {
        return open(config, disk, true);
    }

    /**
     * @param recoverInBackground whether the partitions of an unclean stop are recovered in the
     *                            background too (from {@link #serving()} on, or after
     *                            {@code STORE_RECOVERY_DELAY_MS}), not only on first use (tests turn
     *                            it off to see what first use alone does)
     */
    static FileStorageEngine open(StoreConfig config, Disk disk, boolean recoverInBackground) {
        return open(config, disk, recoverInBackground, new Flusher(config.fsync().flushDelayNanos()));
    }

    /** With {@code flusher} as the engine's background flusher (tests). */
    static FileStorageEngine open(StoreConfig config, Disk disk, boolean recoverInBackground, Flusher flusher) {
        DataDirectory directory = DataDirectory.open(config.dataDir(), true, disk);
        OpenFiles files = new OpenFiles(disk, config.maxOpenFiles());
        FileStorageEngine engine = new FileStorageEngine(directory, new StoreContext(config, disk, files,
                flusher, new SyncThreads(),
                new GroupedDirectoryForce(disk, config.dataDir()), new PartitionCount()));
        try {
            if (config.fsync().mode() != FsyncPolicy.Mode.ALWAYS) {
                directory.recordUnforcedRolls();
            }
            engine.startRecovery(recoverInBackground);
        } catch (IOException e) {
            engine.closeResources();
            throw new StorageFailedException("cannot write " + DataDirectory.UNFORCED_ROLLS + " in " + config.dataDir() + ": " + e, e);
        } catch (RuntimeException e) {
            engine.closeResources();
            throw e;
        }
        return engine;
    }

    private void startRecovery(boolean recoverInBackground) {
        long start = System.nanoTime();
        if (directory.anyNeedsRecovery()) {
            try {
                // the partition directories in it: each partition's recovery forces those below
                Directories.force(context.disk(), directory.root());
            } catch (IOException e) {
                throw new StorageFailedException("cannot force " + directory.root() + ": " + e, e);
            }
            if (recoverInBackground) {
                recovery = BackgroundRecovery.schedule(partitions, context.config().recoveryDelayMillis());
            }
        }
        LOG.log(Level.INFO, "opened {0} ({1}) in {2} ms; FSYNC={3}: {4}", directory.root(),
                !directory.anyNeedsRecovery() ? "clean start"
                        : (directory.wasClean() ? "partitions named by the clean-shutdown marker" : "unclean stop: partitions")
                        + " recovered on first use and in the background once the node serves",
                (System.nanoTime() - start) / 1_000_000, context.config().fsync(), context.config().fsync().guarantee());
    }

    /** Starts the background recovery of an unclean stop's partitions, if there is one and it has not started. */
    @Override
    public void serving() {
        if (recovery != null) {
            recovery.begin();
        }
    }

    /** The engine's background flusher (tests). */
    Flusher flusher() {
        return context.flusher();
    }

    /** The partition's log if it is in memory, else null (tests). */
    PartitionLog inMemory(PartitionKey partition) {
        return partitions.find(partition);
    }

    /** Whether the background recovery began (tests: it waits for {@link #serving()}). */
    boolean backgroundRecoveryStarted() {
        return recovery != null && recovery.started();
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
        PartitionLog log = partitions.find(partition);
        return log == null ? List.of() : log.epochs();
    }

    /**
     * The counters; {@code partitions} (those with a directory in {@code DATA_DIR}) and
     * {@code partitions_awaiting_recovery} walk {@code DATA_DIR} once (the first call, or the background
     * recovery before it begins), then are kept up to date ({@link PartitionCount}); the others add up
     * the partitions touched in this run.
     */
    @Override
    public Map<String, Long> metrics() {
        long[] appended = new long[3];
        partitions.touched().forEach(log -> log.addAppendCounts(appended));
        PartitionCount.Counts onDisk;
        try {
            onDisk = partitions.counts();
        } catch (IOException e) {
            throw cannotList(e);
        }
        OpenFiles files = context.files();
        return Map.of("appends_total", appended[0], "records_appended_total", appended[1], "bytes_appended_total", appended[2],
                "fsyncs_total", files.fsyncs(), "open_files", (long) files.openCount(),
                "open_file_hits_total", files.hits(), "open_file_misses_total", files.misses(),
                "partitions", onDisk.partitions(),
                "failed_partitions", partitions.touched().stream().filter(PartitionLog::failed).count(),
                "partitions_awaiting_recovery", onDisk.awaitingRecovery());
    }

    private StorageFailedException cannotList(IOException e) {
        return new StorageFailedException("cannot list the partitions in " + directory.root() + ": " + e, e);
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
        PartitionLog log = partitions.find(partition);
        return log != null && log.exists() ? Optional.of(log.info()) : Optional.empty();
    }

    /**
     * Every partition — those with a directory (a walk of {@code DATA_DIR}) and those made in this run —
     * each one recovered first if it awaits that: in parallel, so a listing right after a crash costs
     * what the eager recovery of all would have, not one partition after another.
     */
    @Override
    public List<PartitionInfo> partitions() {
        checkOpen();
        Set<PartitionKey> keys = new HashSet<>();
        try {
            partitions.eachOnDisk(keys::add);
        } catch (IOException e) {
            throw cannotList(e);
        }
        partitions.touched().forEach(log -> keys.add(log.key()));
        List<PartitionLog> logs = keys.stream().map(partitions::find).filter(Objects::nonNull).toList();
        inParallel(logs.stream().filter(PartitionLog::awaitsRecovery).toList(), log -> {
            log.exists();
            return true;
        });
        return logs.stream().filter(PartitionLog::exists).map(PartitionLog::info)
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

    /** The partition, made in memory if it is new. */
    private PartitionLog writable(PartitionKey partition) {
        checkOpen();
        return partitions.findOrCreate(partition);
    }

    private PartitionLog existing(PartitionKey partition) {
        checkOpen();
        PartitionLog log = partitions.find(partition);
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
        partitions.close();
        if (recovery != null) {
            recovery.close();
        }
        context.flusher().close();
        boolean clean = inParallel(partitions.touched(), PartitionLog::close);
        context.syncThreads().shutdown();
        context.files().close();
        try {
            if (clean) {
                List<PartitionKey> notRecovered = new ArrayList<>();
                partitions.eachAwaitingRecovery(notRecovered::add);
                directory.markClean(notRecovered);
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
     * Runs {@code step} on each of {@code logs}, {@value #PARALLELISM} at a time; returns whether it
     * returned true for all. The first exception a step threw is rethrown once all have run.
     */
    private static boolean inParallel(Collection<PartitionLog> logs, Predicate<PartitionLog> step) {
        Semaphore slots = new Semaphore(PARALLELISM);
        AtomicBoolean all = new AtomicBoolean(true);
        AtomicReference<RuntimeException> failed = new AtomicReference<>();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (PartitionLog log : logs) {
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
