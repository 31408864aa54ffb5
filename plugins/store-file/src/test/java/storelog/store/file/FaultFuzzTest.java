package storelog.store.file;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import storelog.api.NewRecord;
import storelog.api.PartitionKey;
import storelog.api.Record;
import storelog.api.StoreLogException;
import storelog.testkit.TestData;

/**
 * Random I/O errors (EIO, ENOSPC with short writes) at any file operation of the engine
 * ({@link FuzzDisk}) while appends, batches, rolls, truncations and reads run concurrently on three
 * partitions, over three lives of the engine (each opened, and so recovered, under faults too); then it
 * is reopened on the real files without faults. Whatever
 * failed: every acknowledged record no truncation could have cut is there, intact, at its offset;
 * offsets are gap-free; a record is never at another offset than the one its append was told; an
 * append that threw is absent or there whole (a batch is all or nothing); readers never got a
 * record at a wrong offset. Each run prints its seed; a failure names it.
 */
class FaultFuzzTest {

    private static final List<PartitionKey> KEYS = List.of(PartitionKey.of("fuzz-a"), PartitionKey.of("fuzz-b"),
            PartitionKey.of("fuzz-c"));
    private static final long RUN_MILLIS = 200;
    private static final int ROUNDS = 3;

    static Stream<Arguments> runs() {
        List<Arguments> runs = new ArrayList<>();
        for (String mode : List.of("always", "interval:5", "never")) {
            for (long seed : List.of(11L, 23L, 42L, 97L)) {
                runs.add(Arguments.of(mode, seed));
            }
        }
        return runs.stream();
    }

    /**
     * One engine's life: opened on the faulty disk (recovery meets faults too; when it fails the open
     * is repeated without), the workload under faults, then a close without faults.
     */
    private static void runRound(Path dir, FsyncPolicy fsync, FuzzDisk disk, long seed, Queue<Attempt> attempts,
            Queue<Truncation> truncations, Queue<Record> reads) throws Exception {
        StoreConfig config = new StoreConfig(dir, 400, fsync, 4);
        FileStorageEngine engine;
        disk.arm();
        try {
            engine = FileStorageEngine.open(config, disk);
        } catch (RuntimeException e) {
            disk.disarm();
            engine = FileStorageEngine.open(config, disk);
        }
        disk.disarm();
        FileStorageEngine opened = engine;
        ExecutorService pool = Executors.newFixedThreadPool(6);
        try {
            CountDownLatch start = new CountDownLatch(1);
            long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(RUN_MILLIS);
            List<Future<?>> work = new ArrayList<>();
            for (int t = 0; t < 3; t++) {
                int thread = t;
                Random random = new Random(seed * 31 + t);
                work.add(pool.submit(() -> {
                    start.await();
                    for (int n = 0; System.nanoTime() < until; n++) {
                        PartitionKey key = KEYS.get(random.nextInt(KEYS.size()));
                        int size = random.nextInt(4) == 0 ? 1 + random.nextInt(5) : 1;
                        List<String> payloads = new ArrayList<>();
                        List<NewRecord> records = new ArrayList<>();
                        for (int i = 0; i < size; i++) {
                            String p = seed + "t" + thread + "-" + n + "-" + i + "-" + "x".repeat(random.nextInt(60));
                            payloads.add(p);
                            records.add(Engines.text(p));
                        }
                        long begin = System.nanoTime();
                        long offset = -1;
                        try {
                            offset = opened.append(key, records);
                        } catch (StoreLogException | IllegalStateException e) {
                            // not acknowledged
                        }
                        attempts.add(new Attempt(key, payloads, offset, begin, System.nanoTime()));
                    }
                    return null;
                }));
            }
            Random truncRandom = new Random(seed * 17);
            work.add(pool.submit(() -> {
                start.await();
                while (System.nanoTime() < until) {
                    PartitionKey key = KEYS.get(truncRandom.nextInt(KEYS.size()));
                    try {
                        long next = opened.info(key).map(i -> i.nextOffset()).orElse(0L);
                        long from = Math.max(0, next - truncRandom.nextInt(6));
                        long begin = System.nanoTime();
                        try {
                            opened.truncate(key, from);
                        } finally {
                            truncations.add(new Truncation(key, from, begin, System.nanoTime()));
                        }
                    } catch (StoreLogException | IllegalStateException e) {
                        // refused or failed: counted above when it began
                    }
                    Thread.sleep(3);
                }
                return null;
            }));
            for (int r = 0; r < 2; r++) {
                Random readRandom = new Random(seed * 7 + r);
                work.add(pool.submit(() -> {
                    start.await();
                    while (System.nanoTime() < until) {
                        PartitionKey key = KEYS.get(readRandom.nextInt(KEYS.size()));
                        try {
                            long next = opened.info(key).map(i -> i.nextOffset()).orElse(0L);
                            long from = Math.max(0, next - 1 - readRandom.nextInt(20));
                            reads.addAll(opened.read(key, from, 10, Long.MAX_VALUE));
                        } catch (StoreLogException | IllegalStateException e) {
                            // an injected read error, a truncation meanwhile, a partition not there yet
                        }
                    }
                    return null;
                }));
            }
            disk.arm();
            start.countDown();
            for (Future<?> f : work) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            disk.disarm();
            pool.shutdown();
            try {
                opened.close();
            } catch (RuntimeException e) {
                // a close after failures may report them; the reopen below is what counts
            }
        }
    }

    /** An append as its caller saw it: the payloads, where it was told they went (-1: it threw), when it ran. */
    private record Attempt(PartitionKey key, List<String> payloads, long offset, long start, long end) {
    }

    private record Truncation(PartitionKey key, long from, long start, long end) {
    }

    @ParameterizedTest(name = "FSYNC={0} seed={1}")
    @MethodSource("runs")
    void acknowledgedRecordsSurviveRandomIoErrors(String mode, long seed, TestInfo test) throws Exception {
        System.out.println("FaultFuzzTest: FSYNC=" + mode + " seed=" + seed);
        Path dir = TestData.directory(test);
        FsyncPolicy fsync = FsyncPolicy.parse(mode);
        FuzzDisk disk = new FuzzDisk(seed, 150);
        Queue<Attempt> attempts = new ConcurrentLinkedQueue<>();
        Queue<Truncation> truncations = new ConcurrentLinkedQueue<>();
        Queue<Record> reads = new ConcurrentLinkedQueue<>();
        Queue<String> problems = new ConcurrentLinkedQueue<>();
        for (int round = 0; round < ROUNDS; round++) {
            runRound(dir, fsync, disk, seed * 1000 + round, attempts, truncations, reads);
        }
        System.out.println("FaultFuzzTest: FSYNC=" + mode + " seed=" + seed + ": " + disk.injected.get() + " faults, "
                + attempts.stream().filter(a -> a.offset() >= 0).count() + " of " + attempts.size() + " appends acknowledged, "
                + truncations.size() + " truncations, " + reads.size() + " records read");

        Map<String, Attempt> byPayload = new HashMap<>();
        for (Attempt a : attempts) {
            a.payloads().forEach(p -> byPayload.put(p, a));
        }
        String run = "FSYNC=" + mode + " seed=" + seed + ": ";
        for (Record r : reads) {
            Attempt a = byPayload.get(r.text());
            if (a == null || !a.key().equals(r.partition()) || (a.offset() >= 0 && a.offset() + a.payloads().indexOf(r.text()) != r.offset())) {
                problems.add(run + "a reader got " + r.text() + " at " + r.partition() + "/" + r.offset() + ", appended as " + a);
            }
        }
        try (FileStorageEngine reopened = Engines.open(dir, 400, fsync)) {
            for (PartitionKey key : KEYS) {
                long next = reopened.info(key).map(i -> i.nextOffset()).orElse(0L);
                List<Record> log = new ArrayList<>();
                while (log.size() < next) {
                    log.addAll(reopened.read(key, log.size(), 1000, Long.MAX_VALUE));
                }
                Map<Attempt, Integer> present = new HashMap<>();
                for (int o = 0; o < log.size(); o++) {
                    Record r = log.get(o);
                    Attempt a = byPayload.get(r.text());
                    if (r.offset() != o || a == null || !a.key().equals(key)) {
                        problems.add(run + key + "/" + o + " holds " + r.text() + " (offset " + r.offset() + "), appended as " + a);
                        continue;
                    }
                    int i = a.payloads().indexOf(r.text());
                    if (a.offset() >= 0 && a.offset() + i != o) {
                        problems.add(run + key + "/" + o + " holds " + r.text() + ", acknowledged at " + (a.offset() + i));
                    }
                    present.merge(a, 1, Integer::sum);
                    if (i > 0 && (o == 0 || !a.payloads().get(i - 1).equals(log.get(o - 1).text()))) {
                        problems.add(run + key + "/" + o + ": " + r.text() + " without the record before it in its batch");
                    }
                }
                for (Attempt a : attempts) {
                    if (!a.key().equals(key)) {
                        continue;
                    }
                    int n = present.getOrDefault(a, 0);
                    boolean mayBeCut = truncations.stream().anyMatch(t -> t.key().equals(key) && t.end() > a.start()
                            && (a.offset() < 0 || t.from() < a.offset() + a.payloads().size()));
                    if (a.offset() >= 0 && !mayBeCut && n != a.payloads().size()) {
                        problems.add(run + "acknowledged " + key + "/" + a.offset() + " (" + a.payloads().size() + " records) has "
                                + n + " after the reopen, next offset " + next);
                    }
                    if (!mayBeCut && n != 0 && n != a.payloads().size()) {
                        problems.add(run + "a batch at " + key + " is there in part: " + n + " of " + a.payloads().size());
                    }
                }
            }
        }
        assertThat(problems).as(run + "problems").isEmpty();
    }
}
