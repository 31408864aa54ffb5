package storelog.store.file;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import storelog.api.NewRecord;
import storelog.api.OffsetMismatchException;
import storelog.api.OffsetOutOfRangeException;
import storelog.api.PartitionInfo;
import storelog.api.PartitionKey;
import storelog.api.Record;
import storelog.api.UnknownPartitionException;
import storelog.testkit.TestData;

/**
 * Linearizability of the engine per partition, checked from outside: writers append, append
 * batches and append at an expected offset while readers read, read ranges, ask for a partition's
 * info and list the partitions — partitions come into existence during the run — and every answer
 * must fit one sequential order of the operations (see {@link LogHistory} for the rules).
 */
class LinearizabilityTest {

    private static final int KEYS = 8;
    private static final int WRITERS = 4;
    private static final int READERS = 3;
    private static final int OPS_PER_WRITER = 160;
    /** Writers go on past their operations until this much time passed, so fast modes race long enough too. */
    private static final long MIN_WRITE_NANOS = TimeUnit.MILLISECONDS.toNanos(500);
    private static final int MAX_OPS_PER_WRITER = 5_000;

    @ParameterizedTest
    @ValueSource(strings = {"always", "interval:5", "never"})
    void everyAnswerFitsOneOrderOfTheOperations(String fsync, TestInfo test) throws Exception {
        Path dir = TestData.directory(test);
        LogHistory history = new LogHistory();
        List<PartitionKey> keys = new ArrayList<>();
        for (int k = 0; k < KEYS; k++) {
            keys.add(PartitionKey.of("lin-" + k));
        }
        try (FileStorageEngine engine = Engines.open(dir, 4096, FsyncPolicy.parse(fsync))) {
            ExecutorService pool = Executors.newCachedThreadPool(); // platform threads: readers spin
            AtomicBoolean writing = new AtomicBoolean(true);
            CountDownLatch start = new CountDownLatch(1);
            List<Future<?>> writers = new ArrayList<>();
            for (int w = 0; w < WRITERS; w++) {
                int writer = w;
                writers.add(pool.submit(() -> {
                    start.await();
                    write(engine, keys, writer, history);
                    return null;
                }));
            }
            List<Future<?>> readers = new ArrayList<>();
            for (int r = 0; r < READERS; r++) {
                int reader = r;
                readers.add(pool.submit(() -> {
                    start.await();
                    read(engine, keys, reader, writing, history);
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : writers) {
                f.get(120, TimeUnit.SECONDS);
            }
            writing.set(false);
            for (Future<?> f : readers) {
                f.get(120, TimeUnit.SECONDS);
            }
            pool.shutdown();

            assertThat(history.violations()).as("violations of linearizability under FSYNC=%s", fsync).isEmpty();
            Map<PartitionKey, Map<Long, LogHistory.Written>> written = history.writtenByKey();
            for (PartitionKey key : keys) {
                Map<Long, LogHistory.Written> ofKey = written.getOrDefault(key, Map.of());
                long next = engine.info(key).map(PartitionInfo::nextOffset).orElse(0L);
                assertThat(next).as("%s holds every acknowledged record, nothing else", key).isEqualTo(ofKey.size());
                for (long o = 0; o < next; o++) {
                    assertThat(engine.read(key, o).text()).as("%s offset %d", key, o).isEqualTo(ofKey.get(o).payload());
                }
            }
        }
    }

    /** Appends, batches and appends at an expected offset; keys come into use one after another. */
    private static void write(FileStorageEngine engine, List<PartitionKey> keys, int writer, LogHistory history) {
        Random random = new Random(writer);
        long[] known = new long[keys.size()];
        long until = System.nanoTime() + MIN_WRITE_NANOS;
        for (int i = 0; i < MAX_OPS_PER_WRITER && (i < OPS_PER_WRITER || System.nanoTime() < until); i++) {
            int k = random.nextInt(Math.min(keys.size(), 1 + i / 20));
            PartitionKey key = keys.get(k);
            int n = random.nextInt(4) == 0 ? 1 + random.nextInt(4) : 1;
            List<NewRecord> records = new ArrayList<>();
            List<String> payloads = new ArrayList<>();
            for (int j = 0; j < n; j++) {
                String payload = "w" + writer + "-" + i + "-" + j;
                payloads.add(payload);
                records.add(Engines.text(payload));
            }
            boolean at = random.nextInt(3) == 0;
            String what = (at ? "appendAt(" + known[k] + ")" : "append") + " of " + payloads;
            long start = System.nanoTime();
            try {
                long offset = at ? engine.appendAt(key, known[k], records) : engine.append(key, records);
                long end = System.nanoTime();
                for (int j = 0; j < n; j++) {
                    history.wrote(key, offset + j, payloads.get(j), start);
                }
                history.observed(key, start, end, offset + n, offset, what + " -> " + offset);
                known[k] = offset + n;
            } catch (OffsetMismatchException e) {
                long end = System.nanoTime();
                history.existed(key, start, end, e.nextOffset(), what + " -> mismatch, next " + e.nextOffset());
                known[k] = e.nextOffset();
            }
        }
    }

    /** Reads, ranges, info and partition lists of random keys, existing or not, until the writers are done. */
    private static void read(FileStorageEngine engine, List<PartitionKey> keys, int reader, AtomicBoolean writing,
                             LogHistory history) {
        Random random = new Random(100 + reader);
        long[] known = new long[keys.size()];
        while (writing.get()) {
            int k = random.nextInt(keys.size());
            PartitionKey key = keys.get(k);
            long start = System.nanoTime();
            switch (random.nextInt(4)) {
                case 0 -> {
                    long offset = Math.max(0, known[k] - 2 + random.nextInt(4));
                    String what = "read(" + key + ", " + offset + ")";
                    try {
                        Record r = engine.read(key, offset);
                        long end = System.nanoTime();
                        history.read(key, offset, r.text(), end, what);
                        history.observed(key, start, end, offset + 1, Long.MAX_VALUE, what);
                        known[k] = Math.max(known[k], offset + 1);
                    } catch (OffsetOutOfRangeException e) {
                        history.existed(key, start, System.nanoTime(), e.nextOffset(), what + " -> out of range");
                    } catch (UnknownPartitionException e) {
                        history.absent(key, start, System.nanoTime(), what + " -> unknown partition");
                    }
                }
                case 1 -> {
                    long from = Math.max(0, known[k] - random.nextInt(5));
                    int max = 1 + random.nextInt(10);
                    String what = "range(" + key + ", " + from + ", " + max + ")";
                    try {
                        List<Record> got = engine.read(key, from, max, Long.MAX_VALUE);
                        long end = System.nanoTime();
                        for (Record r : got) {
                            history.read(key, r.offset(), r.text(), end, what);
                        }
                        long next = from + got.size();
                        history.observed(key, start, end, next, got.size() < max ? next : Long.MAX_VALUE, what + " -> " + got.size());
                        known[k] = Math.max(known[k], next);
                    } catch (OffsetOutOfRangeException e) {
                        history.existed(key, start, System.nanoTime(), e.nextOffset(), what + " -> out of range");
                    } catch (UnknownPartitionException e) {
                        history.absent(key, start, System.nanoTime(), what + " -> unknown partition");
                    }
                }
                case 2 -> {
                    Optional<PartitionInfo> info = engine.info(key);
                    long end = System.nanoTime();
                    if (info.isPresent()) {
                        history.existed(key, start, end, info.get().nextOffset(), "info(" + key + ") -> " + info.get().nextOffset());
                        known[k] = Math.max(known[k], info.get().nextOffset());
                    } else {
                        history.absent(key, start, end, "info(" + key + ") -> absent");
                    }
                }
                default -> {
                    List<PartitionInfo> all = engine.partitions();
                    long end = System.nanoTime();
                    for (PartitionKey each : keys) {
                        Optional<PartitionInfo> listed = all.stream().filter(p -> p.partition().equals(each)).findFirst();
                        if (listed.isPresent()) {
                            history.existed(each, start, end, listed.get().nextOffset(), "partitions() -> " + each + " at "
                                    + listed.get().nextOffset());
                        } else {
                            history.absent(each, start, end, "partitions() -> no " + each);
                        }
                    }
                }
            }
        }
    }
}
