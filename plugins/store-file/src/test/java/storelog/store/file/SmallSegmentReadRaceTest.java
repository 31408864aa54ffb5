package storelog.store.file;

import static org.assertj.core.api.Assertions.assertThat;
import static storelog.store.file.Engines.KEY;
import static storelog.store.file.Engines.text;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import storelog.api.OffsetOutOfRangeException;
import storelog.api.Record;
import storelog.api.StoreLogException;
import storelog.testkit.TestData;

/**
 * A read that walks a small store ({@link StoreWalk#WALK_BOUND}) and took the store's bytes before a
 * truncation cut them and an append wrote other records at the same offsets (the same frame lengths,
 * timestamps and types: every frame of the old content still passes its CRC and offset checks) answers
 * the records as they are once it returns, never the ones the truncation removed (review3).
 */
class SmallSegmentReadRaceTest {

    private Path data;

    @BeforeEach
    void setUp(TestInfo test) {
        data = TestData.directory(test).resolve("data");
    }

    /** A local disk whose next read of a store from byte 0 (a walk's) parks, its bytes read, until released. */
    private static final class PausedWalk extends StoreChannelDisk {
        final Faults.Gate afterRead = new Faults.Gate();

        @Override
        FileChannel wrapStore(Path file, FileChannel real) {
            return new ForwardingChannel(real) {
                @Override
                public int read(ByteBuffer dst, long position) throws IOException {
                    int n = super.read(dst, position);
                    if (position == 0) {
                        afterRead.pass();
                    }
                    return n;
                }
            };
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"always", "never"})
    void aWalkOverlappedByATruncationAndReAppendAnswersTheNewRecord(String fsync) throws Exception {
        Record read = readOverlappedByTruncationAndReAppend(fsync, engine -> engine.read(KEY, 3));

        assertThat(read.text()).as("a read that returns after the truncation").isEqualTo("n3");
    }

    @ParameterizedTest
    @ValueSource(strings = {"always", "never"})
    void aRangeWalkOverlappedByATruncationAndReAppendAnswersTheNewRecords(String fsync) throws Exception {
        List<Record> read = readOverlappedByTruncationAndReAppend(fsync, engine -> engine.read(KEY, 1, 10, Long.MAX_VALUE));

        assertThat(read).extracting(Record::text).containsExactly("r1", "n2", "n3");
    }

    /**
     * Runs {@code read} over r0..r4 with its walk paused after reading the store; meanwhile the log is
     * truncated to 2 and "n2", "n3" appended; returns what the read answered.
     */
    private <T> T readOverlappedByTruncationAndReAppend(String fsync, Function<FileStorageEngine, T> read)
            throws Exception {
        PausedWalk disk = new PausedWalk();
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try (FileStorageEngine engine = Engines.open(data, 1 << 20, FsyncPolicy.parse(fsync), disk)) {
            Engines.appendTexts(engine, KEY, 0, 5);
            disk.afterRead.arm();
            Future<T> answer = pool.submit(() -> read.apply(engine));
            disk.afterRead.awaitBlocked(); // the walk holds r0..r4 as they were

            engine.truncate(KEY, 2);
            engine.append(KEY, List.of(text("n2"), text("n3")));
            disk.afterRead.release();

            return answer.get(30, TimeUnit.SECONDS);
        } finally {
            pool.shutdownNow();
        }
    }

    /** An acknowledged append: its offset and when it was acknowledged. */
    private record Acked(long offset, long end) {
    }

    private record Truncation(long from, long start, long end) {
    }

    /** A read's answer and when it was asked. */
    private record Read(Record record, long start) {
    }

    /**
     * One appender, one truncator cutting the last few records again and again, and readers, on a
     * partition of small segments (every read walks): no read answers a record that was not
     * acknowledged at that offset, nor one that a truncation which ended before the read began had
     * removed (the same offset holds another record by then).
     */
    @ParameterizedTest
    @ValueSource(strings = {"always", "never"})
    void noReadAnswersARecordATruncationRemovedBeforeItBegan(String fsync) throws Exception {
        Map<String, Acked> acked = new ConcurrentHashMap<>();
        ConcurrentLinkedQueue<Truncation> truncations = new ConcurrentLinkedQueue<>();
        ConcurrentLinkedQueue<Read> reads = new ConcurrentLinkedQueue<>();
        AtomicInteger kept = new AtomicInteger();
        ConcurrentLinkedQueue<String> problems = new ConcurrentLinkedQueue<>();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        AtomicBoolean running = new AtomicBoolean(true);
        try (FileStorageEngine engine = Engines.open(data, 600, FsyncPolicy.parse(fsync))) {
            engine.append(KEY, List.of(text("seed")));
            acked.put("seed", new Acked(0, 0));
            List<Future<?>> work = new ArrayList<>();
            work.add(pool.submit(() -> {
                long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
                for (int i = 0; i < 3000 && System.nanoTime() < until; i++) {
                    String payload = "a" + i; // the same length as others around it: old frames look like new ones
                    try {
                        long offset = engine.append(KEY, List.of(text(payload)));
                        acked.put(payload, new Acked(offset, System.nanoTime()));
                    } catch (StoreLogException e) {
                        // cut by a truncation before it was durable: never acknowledged
                    }
                }
                running.set(false);
                return null;
            }));
            work.add(pool.submit(() -> {
                Random random = new Random(3);
                while (running.get()) {
                    int seen = acked.size();
                    while (running.get() && acked.size() < seen + 3) {
                        Thread.yield(); // one truncation per ~3 acknowledged appends
                    }
                    long next = engine.info(KEY).orElseThrow().nextOffset();
                    long from = Math.max(1, next - random.nextInt(4));
                    long start = System.nanoTime();
                    engine.truncate(KEY, from);
                    truncations.add(new Truncation(from, start, System.nanoTime()));
                }
                return null;
            }));
            for (int r = 0; r < 2; r++) {
                work.add(pool.submit(() -> {
                    Random random = new Random();
                    while (running.get()) {
                        long next = engine.info(KEY).orElseThrow().nextOffset();
                        long from = Math.max(0, next - 1 - random.nextInt(6));
                        long start = System.nanoTime();
                        try {
                            List<Record> got = random.nextBoolean() ? List.of(engine.read(KEY, from))
                                    : engine.read(KEY, from, 8, 1 + random.nextInt(300));
                            if (kept.addAndGet(got.size()) < 50_000) { // enough to check, few enough to check fast
                                got.forEach(rec -> reads.add(new Read(rec, start)));
                            }
                        } catch (OffsetOutOfRangeException e) {
                            // truncated meanwhile
                        } catch (RuntimeException e) {
                            problems.add("reading from " + from + " failed: " + e);
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : work) {
                f.get(120, TimeUnit.SECONDS);
            }
        } finally {
            running.set(false);
            pool.shutdownNow();
        }
        assertThat(problems).isEmpty();
        assertThat(truncations).as("truncations").hasSizeGreaterThan(10);
        for (Read read : reads) {
            Record r = read.record();
            Acked a = acked.get(r.text());
            assertThat(a).as("a read got %s at %d, which no acknowledged append wrote", r.text(), r.offset()).isNotNull();
            assertThat(r.offset()).as("the offset of %s", r.text()).isEqualTo(a.offset());
            for (Truncation t : truncations) {
                if (t.from() <= r.offset() && t.start() > a.end() && t.end() < read.start()) {
                    throw new AssertionError(r.text() + " at " + r.offset() + " was read after a truncation to " + t.from()
                            + " had removed it");
                }
            }
        }
    }
}
