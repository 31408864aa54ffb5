package storelog.store.file;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import storelog.api.NewRecord;
import storelog.api.PartitionKey;

/**
 * The workload a simulated power cut interrupts: appends (single records and batches, of sizes that
 * cross sector boundaries) to several partitions with a small {@code MAX_FILE_SIZE}, so segments roll
 * often; reads of the newest records (which hand buffered bytes to the OS under
 * {@code interval|never}); a truncation; a new leader epoch; a clean close; a reopen and more appends.
 * With one thread it is deterministic under {@code FSYNC=always} (each append waits for its sync); with
 * more, the first phase's appends run concurrently, several threads per partition.
 *
 * @param appends how many appends the first phase makes (the later phases make a quarter as many each)
 * @param threads appending threads in the first phase
 */
record PowerLossWorkload(FsyncPolicy fsync, long seed, int appends, int threads) {

    static final long MAX_FILE_SIZE = 600;
    static final List<PartitionKey> KEYS = List.of(PartitionKey.of("p0"), PartitionKey.of("p1"), PartitionKey.of("p2"));

    static Path dataDir(Path root) {
        return root.resolve("data");
    }

    /** Runs the workload on {@code disk}, telling {@code log} what it sends and what is acknowledged; returns the engine, still open. */
    FileStorageEngine run(PowerCutDisk disk, AckLog log) throws InterruptedException {
        Random random = new Random(seed);
        long[] epochs = new long[KEYS.size()];
        FileStorageEngine engine = Engines.open(dataDir(disk.root()), MAX_FILE_SIZE, fsync, disk);
        concurrently(engine, log, epochs);
        int truncated = random.nextInt(KEYS.size());
        long end = engine.info(KEYS.get(truncated)).map(i -> i.nextOffset()).orElse(0L);
        long from = end == 0 ? 0 : random.nextLong(end + 1);
        log.truncating(KEYS.get(truncated), from);
        engine.truncate(KEYS.get(truncated), from);
        log.truncated(KEYS.get(truncated), from);
        int bumped = random.nextInt(KEYS.size());
        epochs[bumped]++;
        append(engine, log, KEYS.get(bumped), epochs[bumped], random);
        appendSome(engine, log, epochs, random, appends / 4);
        engine.close();
        log.closed();
        engine = Engines.open(dataDir(disk.root()), MAX_FILE_SIZE, fsync, disk);
        appendSome(engine, log, epochs, random, appends / 4);
        return engine;
    }

    private void concurrently(FileStorageEngine engine, AckLog log, long[] epochs) throws InterruptedException {
        if (threads == 1) {
            appendSome(engine, log, epochs, new Random(seed + 1), appends);
            return;
        }
        AtomicReference<Throwable> failed = new AtomicReference<>();
        List<Thread> all = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            Random random = new Random(seed + 1 + t);
            int n = appends / threads;
            all.add(Thread.ofPlatform().name("power-loss-appender-" + t).start(() -> {
                try {
                    appendSome(engine, log, epochs, random, n);
                } catch (Throwable e) {
                    failed.compareAndSet(null, e);
                }
            }));
        }
        for (Thread t : all) {
            t.join(TimeUnit.SECONDS.toMillis(60));
            if (t.isAlive()) {
                throw new AssertionError(t.getName() + " did not finish within 60 s");
            }
        }
        if (failed.get() != null) {
            throw new AssertionError("an appender failed", failed.get());
        }
    }

    private static void appendSome(FileStorageEngine engine, AckLog log, long[] epochs, Random random, int n) {
        for (int i = 0; i < n; i++) {
            int k = random.nextInt(KEYS.size());
            append(engine, log, KEYS.get(k), epochs[k], random);
            if (random.nextInt(8) == 0) {
                engine.read(KEYS.get(k), engine.info(KEYS.get(k)).orElseThrow().nextOffset() - 1);
            }
        }
    }

    /** One append of a single record (mostly) or a batch, of random sizes, under {@code epoch}. */
    private static void append(FileStorageEngine engine, AckLog log, PartitionKey key, long epoch, Random random) {
        int size = random.nextInt(4) == 0 ? 2 + random.nextInt(5) : 1;
        List<NewRecord> records = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            records.add(log.newRecord(1 + random.nextInt(random.nextInt(10) == 0 ? 400 : 90)));
        }
        log.sending(key, epoch, records);
        long base = engine.append(key, epoch, records);
        log.acknowledged(key, base, records);
    }
}
