package storelog.store.file;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import storelog.api.PartitionKey;
import storelog.api.Record;
import storelog.testkit.TestData;

class ConcurrencyTest {

    private static final int PARTITIONS = 8;
    private static final int WRITERS_PER_PARTITION = 8;
    private static final int APPENDS_PER_WRITER = 300;

    /**
     * 8 writers on each of 8 partitions, with readers tailing every partition meanwhile: each
     * partition ends up with exactly the appended records, each offset once, each writer's records in
     * its own order, and readers never saw a gap, a duplicate or a record that later changed.
     */
    @ParameterizedTest
    @ValueSource(strings = {"always", "never"})
    void writersAndReadersNeverLoseDuplicateOrReorder(String fsync, TestInfo test) throws Exception {
        Path dir = TestData.directory(test);
        try (FileStorageEngine engine = Engines.open(dir, 64 * 1024, FsyncPolicy.parse(fsync))) {
            // platform threads: the readers poll, and a polling virtual thread would never yield its carrier
            ExecutorService pool = Executors.newCachedThreadPool();
            AtomicBoolean writing = new AtomicBoolean(true);
            ConcurrentLinkedQueue<String> readerProblems = new ConcurrentLinkedQueue<>();
            List<Future<List<Record>>> readers = new ArrayList<>();
            for (int p = 0; p < PARTITIONS; p++) {
                PartitionKey key = PartitionKey.of("p" + p);
                readers.add(pool.submit(() -> tail(engine, key, writing, readerProblems)));
            }
            CountDownLatch start = new CountDownLatch(1);
            List<Future<List<Long>>> writers = new ArrayList<>();
            for (int p = 0; p < PARTITIONS; p++) {
                for (int w = 0; w < WRITERS_PER_PARTITION; w++) {
                    PartitionKey key = PartitionKey.of("p" + p);
                    String writer = "w" + w;
                    writers.add(pool.submit(() -> {
                        start.await();
                        List<Long> offsets = new ArrayList<>();
                        for (int i = 0; i < APPENDS_PER_WRITER; i++) {
                            offsets.add(engine.append(key, List.of(Engines.text(writer + ":" + i))));
                        }
                        return offsets;
                    }));
                }
            }
            start.countDown();
            for (Future<List<Long>> w : writers) {
                List<Long> offsets = w.get(120, TimeUnit.SECONDS);
                assertThat(offsets).isSorted().doesNotHaveDuplicates();
            }
            writing.set(false);
            for (Future<List<Record>> r : readers) {
                r.get(120, TimeUnit.SECONDS);
            }
            pool.shutdown();
            assertThat(readerProblems).isEmpty();

            int perPartition = WRITERS_PER_PARTITION * APPENDS_PER_WRITER;
            for (int p = 0; p < PARTITIONS; p++) {
                PartitionKey key = PartitionKey.of("p" + p);
                List<Record> all = new ArrayList<>();
                while (all.size() < perPartition) {
                    all.addAll(engine.read(key, all.size(), 5000, Long.MAX_VALUE));
                }
                assertThat(engine.info(key).orElseThrow().nextOffset()).isEqualTo(perPartition);
                int[] nextOfWriter = new int[WRITERS_PER_PARTITION];
                for (int i = 0; i < all.size(); i++) {
                    assertThat(all.get(i).offset()).isEqualTo(i);
                    String[] parts = all.get(i).text().split(":");
                    int writer = Integer.parseInt(parts[0].substring(1));
                    assertThat(Integer.parseInt(parts[1])).as("writer %d in order", writer).isEqualTo(nextOfWriter[writer]++);
                }
                assertThat(nextOfWriter).containsOnly(APPENDS_PER_WRITER);
            }
        }
    }

    /** Reads a partition from 0 while it grows, checking every record it sees against a later read. */
    private static List<Record> tail(FileStorageEngine engine, PartitionKey key, AtomicBoolean writing,
                                     ConcurrentLinkedQueue<String> problems) {
        List<Record> seen = new ArrayList<>();
        while (writing.get() || engine.info(key).map(i -> i.nextOffset() > seen.size()).orElse(false)) {
            if (engine.info(key).isEmpty()) {
                Thread.yield();
                continue;
            }
            List<Record> batch = engine.read(key, seen.size(), 100, Long.MAX_VALUE);
            if (batch.isEmpty()) {
                Thread.yield();
            }
            for (Record r : batch) {
                if (r.offset() != seen.size()) {
                    problems.add(key + ": expected offset " + seen.size() + ", read " + r.offset());
                }
                seen.add(r);
            }
            if (!seen.isEmpty() && seen.size() % 97 == 0) {
                Record again = engine.read(key, seen.size() / 2);
                if (!again.equals(seen.get(seen.size() / 2))) {
                    problems.add(key + ": record " + again.offset() + " changed after it was read");
                }
            }
        }
        return seen;
    }

    @Test
    void concurrentAppendersShareFsyncs(TestInfo test) throws Exception {
        Path dir = TestData.directory(test);
        Faults counting = new Faults();
        int appenders = 64;
        int each = 20;
        try (FileStorageEngine engine = FileStorageEngine.open(Engines.config(dir, 1 << 24, FsyncPolicy.ALWAYS), counting)) {
            ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor();
            CountDownLatch start = new CountDownLatch(1);
            List<Future<?>> all = new ArrayList<>();
            for (int a = 0; a < appenders; a++) {
                all.add(pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < each; i++) {
                        engine.append(Engines.KEY, List.of(Engines.text("x")));
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : all) {
                f.get(60, TimeUnit.SECONDS);
            }
            pool.shutdown();
            assertThat(engine.info(Engines.KEY).orElseThrow().nextOffset()).isEqualTo(appenders * each);
        }
        assertThat(counting.storeForces.get()).as("fsyncs for %d acknowledged appends", appenders * each)
                .isLessThan(appenders * each / 2);
    }
}
