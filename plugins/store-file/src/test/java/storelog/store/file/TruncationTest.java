package storelog.store.file;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static storelog.store.file.Engines.KEY;
import static storelog.store.file.Engines.text;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import storelog.api.OffsetOutOfRangeException;
import storelog.api.PartitionInfo;
import storelog.api.Record;
import storelog.api.StorageFailedException;
import storelog.api.StoreLogException;
import storelog.testkit.TestData;

/**
 * {@code truncate} on a live partition (what replication's divergence handling does): with appends,
 * group commits, rolls and readers in flight, no appender whose record was cut is told it succeeded,
 * readers never see past the new end, and nothing that happens later acts on the removed segments.
 */
class TruncationTest {

    private Path dir;
    private final Faults faults = new Faults();

    @BeforeEach
    void setUp(TestInfo test) {
        dir = TestData.directory(test);
    }

    @Test
    void anAppendWhoseFsyncWasRunningWhenATruncationCutItIsNotAcknowledged() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try (FileStorageEngine engine = Engines.open(dir, 1 << 20, FsyncPolicy.ALWAYS, faults)) {
            Engines.appendTexts(engine, KEY, 0, 10);
            faults.storeForceGate.arm();
            Future<Long> doomed = pool.submit(() -> engine.append(KEY, List.of(text("doomed"))));
            faults.storeForceGate.awaitBlocked(); // the group commit covering offset 10 is inside its fsync

            Future<?> truncation = pool.submit(() -> engine.truncate(KEY, 5));
            awaitFileCut();
            faults.storeForceGate.release();
            truncation.get(30, TimeUnit.SECONDS);

            assertThatThrownBy(() -> doomed.get(30, TimeUnit.SECONDS)).hasCauseInstanceOf(StoreLogException.class);
            assertThat(engine.info(KEY).orElseThrow().nextOffset()).as("readers see the new end").isEqualTo(5);
            assertThatThrownBy(() -> engine.read(KEY, 5)).isInstanceOf(OffsetOutOfRangeException.class);
            assertThat(engine.append(KEY, List.of(text("new5")))).isEqualTo(5);
        } finally {
            pool.shutdown();
        }
        try (FileStorageEngine engine = Engines.open(dir, 1 << 20, FsyncPolicy.ALWAYS, faults)) {
            assertThat(engine.read(KEY, 0, 100, Long.MAX_VALUE)).extracting(Record::text)
                    .containsExactly("r0", "r1", "r2", "r3", "r4", "new5");
        }
    }

    @Test
    void aRollbackAfterATruncationActsOnlyOnTheSegmentsThatRemain() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try (FileStorageEngine engine = Engines.open(dir, 200, FsyncPolicy.ALWAYS, faults)) {
            Engines.appendTexts(engine, KEY, 0, 30);
            assertThat(engine.info(KEY).orElseThrow().segments()).isGreaterThan(3);
            faults.storeForceGate.arm();
            Future<Long> doomed = pool.submit(() -> engine.append(KEY, List.of(text("doomed"))));
            faults.storeForceGate.awaitBlocked();
            Future<?> truncation = pool.submit(() -> engine.truncate(KEY, 3));
            awaitFileCut();
            faults.storeForceGate.release();
            truncation.get(30, TimeUnit.SECONDS);
            assertThatThrownBy(() -> doomed.get(30, TimeUnit.SECONDS)).hasCauseInstanceOf(StoreLogException.class);

            faults.failIndexWrites.set(Segment.INDEX_WRITE_ATTEMPTS); // the next group commit fails and rolls back
            assertThatThrownBy(() -> engine.append(KEY, List.of(text("x")))).isInstanceOf(StoreLogException.class);
            assertThat(engine.read(KEY, 0, 100, Long.MAX_VALUE)).extracting(Record::text).containsExactly("r0", "r1", "r2");
            assertThat(engine.info(KEY).orElseThrow().nextOffset()).isEqualTo(3);
        } finally {
            pool.shutdown();
        }
        try (FileStorageEngine engine = Engines.open(dir, 200, FsyncPolicy.ALWAYS, faults)) {
            assertThat(engine.read(KEY, 0, 100, Long.MAX_VALUE)).extracting(Record::text).containsExactly("r0", "r1", "r2");
            assertThat(engine.append(KEY, List.of(text("r3")))).isEqualTo(3);
        }
        assertThat(Verifier.verify(dir, false).isClean()).isTrue();
    }

    /**
     * A truncation inside an acknowledged batch first rewrites the header of the last record it keeps
     * (its batch ends there now). That in-place write failed after writing half the header (ENOSPC,
     * a short write): the record was left with a new checksum over its old batch flag, and the
     * truncation failed before its cut, so the next start found a damaged acknowledged record with
     * intact frames after it and kept it as damaged in the middle of the log (FaultFuzzTest FSYNC=always
     * seeds 11 and 42 under load: "record 2 ... CRC-32C mismatch"). Fixed: a failed overwrite puts back
     * the bytes it replaced.
     */
    @Test
    void aTruncationWhoseBatchEndRewriteTearsLeavesTheKeptRecordIntact() throws Exception {
        try (FileStorageEngine engine = Engines.open(dir, 1 << 20, FsyncPolicy.ALWAYS, faults)) {
            assertThat(engine.append(KEY, List.of(text("r0"), text("r1"), text("r2"), text("r3"), text("r4")))).isZero();
            faults.shortStoreWrites.set(1); // the next store write (the rewrite of record 2's header) is cut short

            assertThatThrownBy(() -> engine.truncate(KEY, 3)).isInstanceOf(StoreLogException.class);
            assertThat(faults.shortStoreWrites.get()).as("the rewrite was cut short").isZero();
        }
        try (FileStorageEngine engine = Engines.open(dir, 1 << 20, FsyncPolicy.ALWAYS)) {
            assertThat(engine.read(KEY, 0, 100, Long.MAX_VALUE)).as("the truncation did not happen; nothing was damaged")
                    .extracting(Record::text).containsExactly("r0", "r1", "r2", "r3", "r4");
        }
        assertThat(Verifier.verify(dir, false).isClean()).isTrue();
    }

    /** Waits until the truncation has begun cutting files (it holds the partition lock by then). */
    private void awaitFileCut() throws InterruptedException {
        assertThat(faults.truncated.await(30, TimeUnit.SECONDS)).as("the truncation cut a file").isTrue();
    }

    /** An acknowledged append: its offset, payload and invocation/response times. */
    private record Appended(long offset, String payload, long start, long end) {
    }

    private record Truncation(long from, long start, long end) {
    }

    /**
     * Appenders, readers and a truncator on one partition with small segments. Readers only ever get
     * records that an append was acknowledged with at that offset, or "out of range"; at the end the
     * log holds exactly acknowledged records at their offsets, among them every one no truncation
     * could have removed.
     */
    @ParameterizedTest
    @ValueSource(strings = {"always", "interval:5", "never"})
    void truncationsAmidAppendsRollsAndReadsLoseNothingAndShowNothingCut(String fsync) throws Exception {
        int appenders = 4;
        int appendsEach = 150;
        ConcurrentLinkedQueue<Appended> acked = new ConcurrentLinkedQueue<>();
        ConcurrentLinkedQueue<Truncation> truncations = new ConcurrentLinkedQueue<>();
        ConcurrentLinkedQueue<String> problems = new ConcurrentLinkedQueue<>();
        ConcurrentLinkedQueue<Record> reads = new ConcurrentLinkedQueue<>();
        ExecutorService pool = Executors.newCachedThreadPool();
        try (FileStorageEngine engine = Engines.open(dir, 600, FsyncPolicy.parse(fsync), faults)) {
            Engines.appendTexts(engine, KEY, 0, 5);
            for (int i = 0; i < 5; i++) {
                acked.add(new Appended(i, "r" + i, 0, 0));
            }
            CountDownLatch start = new CountDownLatch(1);
            AtomicBoolean running = new AtomicBoolean(true);
            List<Future<?>> work = new ArrayList<>();
            for (int a = 0; a < appenders; a++) {
                int appender = a;
                work.add(pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < appendsEach; i++) {
                        String payload = "a" + appender + "-" + i;
                        long begin = System.nanoTime();
                        try {
                            long offset = engine.append(KEY, List.of(text(payload)));
                            acked.add(new Appended(offset, payload, begin, System.nanoTime()));
                        } catch (StoreLogException e) {
                            // cut by a truncation before it was durable: not acknowledged, fine
                        }
                    }
                    return null;
                }));
            }
            Future<?> truncator = pool.submit(() -> {
                start.await();
                Random random = new Random(7);
                while (running.get()) {
                    int seen = acked.size();
                    while (running.get() && acked.size() < seen + 20) {
                        Thread.yield(); // one truncation per ~20 acknowledged appends
                    }
                    long next = engine.info(KEY).orElseThrow().nextOffset();
                    long from = Math.max(0, next - random.nextInt(8));
                    long begin = System.nanoTime();
                    engine.truncate(KEY, from);
                    truncations.add(new Truncation(from, begin, System.nanoTime()));
                }
                return null;
            });
            List<Future<?>> readers = new ArrayList<>();
            for (int r = 0; r < 2; r++) {
                readers.add(pool.submit(() -> {
                    start.await();
                    Random random = new Random();
                    while (running.get()) {
                        long next = engine.info(KEY).map(PartitionInfo::nextOffset).orElse(0L);
                        long from = Math.max(0, next - 1 - random.nextInt(10));
                        try {
                            reads.addAll(engine.read(KEY, from, 10, Long.MAX_VALUE));
                        } catch (OffsetOutOfRangeException e) {
                            // truncated meanwhile: fine
                        } catch (RuntimeException e) {
                            problems.add("reading from " + from + " failed: " + e);
                        }
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : work) {
                f.get(120, TimeUnit.SECONDS);
            }
            running.set(false);
            truncator.get(60, TimeUnit.SECONDS);
            for (Future<?> f : readers) {
                f.get(60, TimeUnit.SECONDS);
            }
            assertThat(problems).as("readers").isEmpty();

            Map<String, Appended> byPayload = new HashMap<>();
            acked.forEach(a -> byPayload.put(a.payload(), a));
            for (Record r : reads) {
                Appended a = byPayload.get(r.text());
                assertThat(a).as("a reader got %s at %d, which no acknowledged append wrote", r.text(), r.offset()).isNotNull();
                assertThat(r.offset()).as("offset of %s", r.text()).isEqualTo(a.offset());
            }
            long next = engine.info(KEY).orElseThrow().nextOffset();
            List<Record> log = next == 0 ? List.of() : engine.read(KEY, 0, (int) next, Long.MAX_VALUE);
            assertThat(log).hasSize((int) next);
            for (Record r : log) {
                Appended a = byPayload.get(r.text());
                assertThat(a).as("the log holds %s at %d, which was never acknowledged", r.text(), r.offset()).isNotNull();
                assertThat(r.offset()).isEqualTo(a.offset());
            }
            for (Appended a : acked) {
                boolean mayBeCut = truncations.stream().anyMatch(t -> t.from() <= a.offset() && t.end() > a.start());
                if (!mayBeCut) {
                    assertThat(a.offset()).as("%s was acknowledged and no truncation reached it", a.payload()).isLessThan(next);
                    assertThat(log.get((int) a.offset()).text()).isEqualTo(a.payload());
                }
            }
        } finally {
            pool.shutdown();
        }
        assertThat(Verifier.verify(dir, false).problems()).isEmpty();
    }

    /**
     * A truncation that fails other than with an I/O error (here: the index entry at the cut is
     * damaged) has lowered the next offset before it failed: the partition must fail closed, not hand
     * the truncated offsets out again — an append acknowledged there (at once: the group commit still
     * counted them durable) would be read after a restart as the old record at its offset.
     */
    @Test
    void aTruncationFailingOnADamagedIndexEntryFailsThePartitionClosedAndTheNextAppendIsRefused() throws Exception {
        try (FileStorageEngine engine = Engines.open(dir, 1 << 20, FsyncPolicy.ALWAYS)) {
            Engines.appendTexts(engine, KEY, 0, 10);
            try (FileChannel index = FileChannel.open(Engines.index(dir, 0), StandardOpenOption.WRITE)) {
                index.write(ByteBuffer.wrap(new byte[] {1, 2, 3, 4}), IndexEntry.positionOf(5) + 12); // entry 5's checksum
            }
            assertThatThrownBy(() -> engine.truncate(KEY, 5)).isInstanceOf(StoreLogException.class);

            assertThatThrownBy(() -> engine.append(KEY, List.of(text("after")))).isInstanceOf(StorageFailedException.class);
        }
        try (FileStorageEngine engine = Engines.open(dir, 1 << 20, FsyncPolicy.ALWAYS)) {
            assertThat(engine.info(KEY).orElseThrow().nextOffset()).isEqualTo(10);
            for (int i = 0; i < 5; i++) {
                assertThat(engine.read(KEY, i).text()).isEqualTo("r" + i);
            }
            assertThat(engine.append(KEY, List.of(text("after")))).isEqualTo(10);
        }
    }

    /**
     * A truncation that fails with an {@link Error} (a file operation handed to an I/O thread that
     * cannot be started: an OutOfMemoryError) after it deleted the newest segment has lowered the next
     * offset: the partition must fail closed like on any other failure of the cut. Left writable, the
     * next append under always went into the deleted segment at a truncated offset and was acknowledged
     * at once (the group commit still counted the truncated offsets durable): after a restart that
     * offset held the old record, and the acknowledged one was gone.
     */
    @Test
    void aTruncationFailingWithAnErrorFailsThePartitionClosedAndLosesNoAcknowledgedAppend() throws Exception {
        Long acknowledged = null;
        try (FileStorageEngine engine = Engines.open(dir, 100, FsyncPolicy.ALWAYS, faults)) {
            Engines.appendTexts(engine, KEY, 0, 10);
            assertThat(engine.info(KEY).orElseThrow().segments()).as("offset 5 is not in the last segment").isGreaterThan(2);
            faults.directoryForceThrows = new OutOfMemoryError("unable to create native thread: possibly out of memory");
            assertThatThrownBy(() -> engine.truncate(KEY, 5)).hasStackTraceContaining("unable to create native thread");
            faults.directoryForceThrows = null;

            try {
                acknowledged = engine.append(KEY, List.of(text("after")));
            } catch (StorageFailedException refused) {
                // failed closed: nothing was acknowledged
            }
        }
        try (FileStorageEngine engine = Engines.open(dir, 100, FsyncPolicy.ALWAYS, faults)) {
            for (int i = 0; i < 5; i++) {
                assertThat(engine.read(KEY, i).text()).isEqualTo("r" + i);
            }
            if (acknowledged != null) {
                assertThat(engine.read(KEY, acknowledged).text()).as("the acknowledged append at offset " + acknowledged)
                        .isEqualTo("after");
            }
            assertThat(acknowledged).as("the partition failed closed").isNull();
        }
    }
}
