package storelog.store.file;

import static org.assertj.core.api.Assertions.assertThat;
import static storelog.store.file.Engines.KEY;
import static storelog.store.file.Engines.text;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import storelog.api.EpochStart;
import storelog.api.NewRecord;
import storelog.api.OffsetMismatchException;
import storelog.api.PartitionInfo;
import storelog.api.Record;
import storelog.api.StaleEpochException;
import storelog.api.StoreLogException;
import storelog.testkit.TestData;

/**
 * Appenders with rising (and sometimes stale) epochs, appends at an expected offset, truncations,
 * rolls and readers of {@code epochs()} on one partition, in every {@code FSYNC} mode. Every history a
 * reader gets is well formed, starts no entry beyond the records it could see, and gives the records
 * it could see the epochs they were appended with; at the end, and after a restart, every record has
 * the epoch its appender used and no refused append left a record.
 */
class EpochConcurrencyTest {

    private static final int APPENDERS = 4;
    private static final int APPENDS_EACH = 150;
    private static final int READERS = 2;

    @ParameterizedTest
    @ValueSource(strings = {"always", "interval:5", "never"})
    void theHistoryAlwaysAgreesWithTheRecords(String fsync, TestInfo test) throws Exception {
        Path dir = TestData.directory(test);
        AtomicLong leaderEpoch = new AtomicLong(1);
        AtomicInteger acknowledged = new AtomicInteger();
        /** Truncations begun plus truncations ended: odd while one runs (the readers' seqlock). */
        AtomicLong truncations = new AtomicLong();
        Set<String> acked = ConcurrentHashMap.newKeySet();
        Set<String> refused = ConcurrentHashMap.newKeySet();
        ConcurrentLinkedQueue<String> problems = new ConcurrentLinkedQueue<>();
        AtomicInteger checkedReads = new AtomicInteger();
        List<EpochStart> before;
        ExecutorService pool = Executors.newCachedThreadPool();
        try (FileStorageEngine engine = Engines.open(dir, 2048, FsyncPolicy.parse(fsync))) {
            CountDownLatch start = new CountDownLatch(1);
            AtomicBoolean running = new AtomicBoolean(true);
            List<Future<?>> appenders = new ArrayList<>();
            for (int a = 0; a < APPENDERS; a++) {
                int appender = a;
                appenders.add(pool.submit(() -> {
                    start.await();
                    append(engine, appender, leaderEpoch, acked, refused, acknowledged);
                    return null;
                }));
            }
            Future<?> truncator = pool.submit(() -> {
                start.await();
                Random random = new Random(11);
                while (running.get()) {
                    int seen = acknowledged.get();
                    while (running.get() && acknowledged.get() < seen + 25) {
                        Thread.yield(); // one truncation per ~25 acknowledged appends
                    }
                    long next = engine.info(KEY).map(PartitionInfo::nextOffset).orElse(0L);
                    truncations.incrementAndGet();
                    try {
                        engine.truncate(KEY, Math.max(0, next - random.nextInt(6)));
                    } catch (storelog.api.UnknownPartitionException e) {
                        // nothing appended yet
                    } finally {
                        truncations.incrementAndGet();
                    }
                }
                return null;
            });
            List<Future<?>> readers = new ArrayList<>();
            for (int r = 0; r < READERS; r++) {
                readers.add(pool.submit(() -> {
                    start.await();
                    while (running.get()) {
                        readEpochs(engine, truncations, problems, checkedReads);
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : appenders) {
                f.get(120, TimeUnit.SECONDS);
            }
            running.set(false);
            truncator.get(60, TimeUnit.SECONDS);
            for (Future<?> f : readers) {
                f.get(60, TimeUnit.SECONDS);
            }

            assertThat(problems).as("what readers saw").isEmpty();
            assertThat(checkedReads.get()).as("reads checked against a history").isPositive();
            assertThat(refused).as("some appends were stale").isNotEmpty();
            before = engine.epochs(KEY);
            assertThat(before.size()).as("epochs began").isGreaterThan(3);
            for (Record r : EpochChecks.assertRecordsMatch(engine, KEY, "at the end")) {
                assertThat(acked).as("record %d (%s) was acknowledged", r.offset(), r.text()).contains(r.text());
                assertThat(refused).doesNotContain(r.text());
            }
        } finally {
            pool.shutdownNow();
        }
        try (FileStorageEngine engine = Engines.open(dir, 2048, FsyncPolicy.parse(fsync))) {
            assertThat(engine.epochs(KEY)).as("after a restart").isEqualTo(before);
            EpochChecks.assertRecordsMatch(engine, KEY, "after a restart");
        }
        assertThat(Verifier.verify(dir, false).problems()).isEmpty();
    }

    /** Appends of 1 to 3 records, sometimes at an expected offset; a new epoch now and then, a stale one now and then. */
    private static void append(FileStorageEngine engine, int appender, AtomicLong leaderEpoch, Set<String> acked,
                               Set<String> refused, AtomicInteger acknowledged) {
        Random random = new Random(appender);
        long known = 0;
        for (int i = 0; i < APPENDS_EACH; i++) {
            int dice = random.nextInt(20);
            long epoch = dice == 0 ? leaderEpoch.incrementAndGet()
                    : dice == 1 ? Math.max(0, leaderEpoch.get() - 1 - random.nextInt(3)) : leaderEpoch.get();
            List<NewRecord> records = new ArrayList<>();
            List<String> payloads = new ArrayList<>();
            for (int j = 0; j <= random.nextInt(3); j++) {
                String payload = "e" + epoch + "-a" + appender + "-" + i + "-" + j;
                payloads.add(payload);
                records.add(text(payload));
            }
            try {
                long offset = random.nextInt(4) == 0 ? engine.appendAt(KEY, known, epoch, records) : engine.append(KEY, epoch, records);
                known = offset + records.size();
                acked.addAll(payloads);
                acknowledged.incrementAndGet();
            } catch (OffsetMismatchException e) {
                known = e.nextOffset();
                refused.addAll(payloads);
            } catch (StaleEpochException e) {
                refused.addAll(payloads);
            } catch (StoreLogException e) {
                refused.addAll(payloads); // cut by a truncation before it was durable: not stored
            }
        }
    }

    /**
     * One reader's check: the next offset readers see, then the history, then the next offset again,
     * then the records below the first; when no truncation overlapped, the history starts nothing
     * beyond the second next offset and gives each of those records its epoch.
     */
    private static void readEpochs(FileStorageEngine engine, AtomicLong truncations, ConcurrentLinkedQueue<String> problems,
                                   AtomicInteger checked) {
        long seq = truncations.get();
        long visible = engine.info(KEY).map(PartitionInfo::nextOffset).orElse(0L);
        List<EpochStart> history = engine.epochs(KEY);
        long next = engine.info(KEY).map(PartitionInfo::nextOffset).orElse(0L);
        List<Record> records = new ArrayList<>();
        try {
            if (visible > 0) {
                records = engine.read(KEY, Math.max(0, visible - 20), (int) Math.min(20, visible), Long.MAX_VALUE);
            }
        } catch (StoreLogException e) {
            return; // truncated meanwhile
        }
        for (int i = 1; i < history.size(); i++) {
            if (history.get(i).epoch() <= history.get(i - 1).epoch() || history.get(i).startOffset() <= history.get(i - 1).startOffset()) {
                problems.add("history " + history + " does not grow");
            }
        }
        if (!history.isEmpty() && history.getFirst().startOffset() != 0) {
            problems.add("history " + history + " does not start at 0");
        }
        if ((seq & 1) != 0 || truncations.get() != seq) {
            return; // a truncation overlapped: the offsets may have gone back
        }
        if (!history.isEmpty() && history.getLast().startOffset() > next) {
            problems.add("history " + history + " starts an epoch beyond the next offset " + next + " readers saw after it");
        }
        for (Record r : records) {
            if (r.offset() < visible && EpochChecks.covering(history, r.offset()) != EpochChecks.epochOf(r)) {
                problems.add("history " + history + " gives record " + r.offset() + " (" + r.text() + ") another epoch");
            }
        }
        if (!records.isEmpty()) {
            checked.incrementAndGet();
        }
    }
}
