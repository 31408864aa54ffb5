package storelog.store.file;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static storelog.store.file.Engines.KEY;
import static storelog.store.file.Engines.text;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import storelog.api.DataType;
import storelog.api.NewRecord;
import storelog.api.Record;
import storelog.api.StorageFailedException;
import storelog.api.StorageFullException;
import storelog.testkit.TestData;

/** Storage failures injected through the engine's channels (see {@link Faults}). */
class FailureInjectionTest {

    private Path dir;
    private final Faults faults = new Faults();

    @BeforeEach
    void setUp(TestInfo test) {
        dir = TestData.directory(test);
    }

    private FileStorageEngine open(FsyncPolicy fsync) {
        return Engines.open(dir, 1 << 20, fsync, faults);
    }

    @Test
    void aFailedFsyncIsNotAcknowledgedAndThePartitionFailsClosed() {
        try (FileStorageEngine engine = open(FsyncPolicy.ALWAYS)) {
            Engines.appendTexts(engine, KEY, 0, 3);
            faults.failForce = true;
            assertThatThrownBy(() -> engine.append(KEY, List.of(text("lost")))).isInstanceOf(StorageFailedException.class)
                    .hasMessageContaining("fsync");
            faults.failForce = false;
            assertThatThrownBy(() -> engine.append(KEY, List.of(text("refused")))).isInstanceOf(StorageFailedException.class)
                    .hasMessageContaining("refuses writes");
            assertThat(engine.read(KEY, 2).text()).isEqualTo("r2");
            assertThat(engine.info(KEY).orElseThrow().nextOffset()).isEqualTo(3);
            Engines.appendTexts(engine, storelog.api.PartitionKey.of("other"), 0, 1);
        }
        assertThat(dir.resolve(DataDirectory.CLEAN_MARKER)).as("a failed partition is no clean shutdown").doesNotExist();
        try (FileStorageEngine engine = open(FsyncPolicy.ALWAYS)) {
            assertThat(engine.info(KEY).orElseThrow().nextOffset()).isEqualTo(3);
            assertThat(engine.append(KEY, List.of(text("r3")))).isEqualTo(3);
        }
    }

    @Test
    void everyAppenderWaitingOnAFailedFsyncFails() throws Exception {
        try (FileStorageEngine engine = open(FsyncPolicy.ALWAYS)) {
            Engines.appendTexts(engine, KEY, 0, 1);
            faults.failForce = true;
            ExecutorService pool = Executors.newFixedThreadPool(8);
            List<Future<Long>> appends = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                appends.add(pool.submit(() -> engine.append(KEY, List.of(text("w")))));
            }
            for (Future<Long> f : appends) {
                assertThatThrownBy(f::get).hasCauseInstanceOf(StorageFailedException.class);
            }
            pool.shutdown();
            assertThat(engine.info(KEY).orElseThrow().nextOffset()).isEqualTo(1);
        }
    }

    @Test
    void aFullDiskFailsTheAppendCleanlyAndAppendsWorkOnceSpaceReturns() throws Exception {
        try (FileStorageEngine engine = open(FsyncPolicy.ALWAYS)) {
            Engines.appendTexts(engine, KEY, 0, 5);
            long storeSize = Files.size(Engines.store(dir, 0));
            long indexSize = Files.size(Engines.index(dir, 0));

            faults.diskFull = true;
            assertThatThrownBy(() -> engine.append(KEY, List.of(text("no room"), text("for us"))))
                    .isInstanceOf(StorageFullException.class).hasMessageContaining("full");
            assertThat(Files.size(Engines.store(dir, 0))).as("nothing partial in the store").isEqualTo(storeSize);
            assertThat(Files.size(Engines.index(dir, 0))).as("nothing partial in the index").isEqualTo(indexSize);
            assertThat(engine.info(KEY).orElseThrow().nextOffset()).isEqualTo(5);

            faults.diskFull = false;
            assertThat(engine.append(KEY, List.of(text("r5")))).isEqualTo(5);
            assertThat(engine.read(KEY, 0, 10, Long.MAX_VALUE)).extracting(Record::text)
                    .containsExactly("r0", "r1", "r2", "r3", "r4", "r5");
        }
        try (FileStorageEngine engine = open(FsyncPolicy.ALWAYS)) {
            assertThat(engine.info(KEY).orElseThrow().nextOffset()).isEqualTo(6);
        }
    }

    @Test
    void aFullDiskWhenANewPartitionStartsLeavesNoPartition() {
        try (FileStorageEngine engine = open(FsyncPolicy.ALWAYS)) {
            faults.diskFull = true;
            assertThatThrownBy(() -> engine.append(KEY, List.of(text("first")))).isInstanceOf(StorageFullException.class);
            assertThat(engine.info(KEY)).isEmpty();
            assertThat(engine.partitions()).isEmpty();
            faults.diskFull = false;
            assertThat(engine.append(KEY, List.of(text("first")))).isZero();
        }
    }

    @Test
    void underFsyncNeverAFullDiskKeepsAcknowledgedRecordsUntilSpaceReturns() throws Exception {
        try (FileStorageEngine engine = open(FsyncPolicy.NEVER)) {
            Engines.appendTexts(engine, KEY, 0, 3);
            faults.diskFull = true;
            Engines.appendTexts(engine, KEY, 3, 2); // acknowledged into the buffer
            byte[] big = new byte[BufferedFile.MAX_BUFFER];
            assertThatThrownBy(() -> engine.append(KEY, List.of(NewRecord.bytes(big, 0))))
                    .isInstanceOf(StorageFullException.class);
            assertThatThrownBy(() -> engine.read(KEY, 4)).isInstanceOf(StorageFullException.class);
            faults.diskFull = false;
            assertThat(engine.read(KEY, 4).text()).isEqualTo("r4");
            assertThat(engine.append(KEY, List.of(text("r5")))).isEqualTo(5);
        }
        try (FileStorageEngine engine = open(FsyncPolicy.NEVER)) {
            assertThat(engine.read(KEY, 0, 10, Long.MAX_VALUE)).extracting(Record::text)
                    .containsExactly("r0", "r1", "r2", "r3", "r4", "r5");
        }
    }

    @Test
    void anInterruptedCallerNeitherFailsNorBreaksTheFilesForOthers() {
        for (FsyncPolicy fsync : List.of(FsyncPolicy.ALWAYS, FsyncPolicy.NEVER)) {
            try (FileStorageEngine engine = FileStorageEngine.open(
                    Engines.config(dir.resolve(fsync.toString()), 1 << 20, fsync), Disk.LOCAL)) {
                Engines.appendTexts(engine, KEY, 0, 3);
                Thread.currentThread().interrupt(); // a FileChannel closes itself when used by an interrupted thread
                assertThat(engine.append(KEY, List.of(text("r3")))).isEqualTo(3);
                assertThat(Thread.currentThread().isInterrupted()).as("the interrupt is kept for the caller").isTrue();
                assertThat(engine.read(KEY, 3).text()).isEqualTo("r3");
                assertThat(Thread.interrupted()).isTrue();
                assertThat(engine.append(KEY, List.of(text("r4")))).isEqualTo(4);
                assertThat(engine.read(KEY, 0, 10, Long.MAX_VALUE)).extracting(Record::text)
                        .containsExactly("r0", "r1", "r2", "r3", "r4");
            }
        }
    }

    @Test
    void aFailedFsyncDuringARollFailsThePartitionClosedEvenWhenItSaysTheDiskIsFull() {
        try (FileStorageEngine engine = Engines.open(dir, 200, FsyncPolicy.ALWAYS, faults)) {
            Engines.appendTexts(engine, KEY, 0, 6); // segment 0 is full: the next append rolls, forcing it
            faults.forceError = "No space left on device";
            faults.failForce = true;
            assertThatThrownBy(() -> engine.append(KEY, List.of(text("r6")))).isInstanceOf(StorageFailedException.class);
            faults.failForce = false;
            assertThatThrownBy(() -> engine.append(KEY, List.of(text("r6")))).as("never retried into success")
                    .isInstanceOf(StorageFailedException.class).hasMessageContaining("refuses writes");
            assertThat(engine.read(KEY, 5).text()).isEqualTo("r5");
        }
    }

    @Test
    void appendersStillWaitingWhenTheCloseFailsToFsyncAreToldSoInsteadOfWaitingForever() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(3);
        FileStorageEngine engine = open(FsyncPolicy.ALWAYS);
        try {
            Engines.appendTexts(engine, KEY, 0, 1);
            faults.storeForceGate.arm();
            Future<Long> first = pool.submit(() -> engine.append(KEY, List.of(text("first"))));
            faults.storeForceGate.awaitBlocked(); // its group commit is inside the fsync
            Future<Long> second = pool.submit(() -> engine.append(KEY, List.of(text("second"))));
            awaitAppends(engine, 3); // the second one's bytes wait in the buffer for the next sync
            faults.storeWritten = new CountDownLatch(1);
            Future<?> closing = pool.submit(engine::close);
            assertThat(faults.storeWritten.await(30, TimeUnit.SECONDS)).as("the close flushed, holding the partition lock").isTrue();
            faults.failIndexForce = true; // the close's fsync of the index fails
            faults.storeForceGate.release();
            closing.get(30, TimeUnit.SECONDS);
            assertThatThrownBy(() -> first.get(30, TimeUnit.SECONDS)).hasCauseInstanceOf(StorageFailedException.class);
            assertThatThrownBy(() -> second.get(30, TimeUnit.SECONDS)).hasCauseInstanceOf(StorageFailedException.class);
        } finally {
            pool.shutdownNow();
        }
        assertThat(dir.resolve(DataDirectory.CLEAN_MARKER)).doesNotExist();
    }

    /** Waits (with a deadline) until the engine has taken {@code n} appends into its buffers. */
    private static void awaitAppends(FileStorageEngine engine, long n) {
        await(n + " appends").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(1))
                .until(() -> engine.metrics().get("appends_total") >= n);
    }

    @Test
    void aDescriptorShortageWhileCreatingASegmentFailsTheAppendButNotThePartition() {
        try (FileStorageEngine engine = Engines.open(dir, 200, FsyncPolicy.ALWAYS, faults)) {
            Engines.appendTexts(engine, KEY, 0, 6); // the next append rolls
            faults.descriptorShortages.set(1000);
            assertThatThrownBy(() -> Engines.appendTexts(engine, KEY, 6, 10)).isInstanceOf(StorageFailedException.class)
                    .hasMessageContaining("open files").hasMessageNotContaining("refuses writes");
            faults.descriptorShortages.set(0);
            long next = engine.info(KEY).orElseThrow().nextOffset();
            assertThat(engine.append(KEY, List.of(text("r" + next)))).isEqualTo(next);
            assertThat(engine.read(KEY, 0, 100, Long.MAX_VALUE)).extracting(Record::text)
                    .containsExactlyElementsOf(FileStorageEngineTest.expectedTexts(0, (int) next + 1));
        }
    }

    @Test
    void aDescriptorShortageClosesTheEnginesIdleFilesAndTriesOnceMore() {
        try (FileStorageEngine engine = Engines.open(dir, 200, FsyncPolicy.ALWAYS, faults)) {
            for (int p = 0; p < 5; p++) {
                Engines.appendTexts(engine, storelog.api.PartitionKey.of("idle" + p), 0, 1);
            }
            Engines.appendTexts(engine, KEY, 0, 6); // the next append rolls
            int open = engine.openFiles();
            faults.descriptorShortages.set(1);
            assertThat(engine.append(KEY, List.of(text("r6")))).isEqualTo(6);
            assertThat(engine.openFiles()).as("idle files were closed to make room").isLessThan(open);
        }
    }

    @Test
    void aSegmentCreationThatFailsLeavesNoFileBehindAndTheNextRollWorks() throws Exception {
        try (FileStorageEngine engine = Engines.open(dir, 200, FsyncPolicy.ALWAYS, faults)) {
            Engines.appendTexts(engine, KEY, 0, 6); // the next append rolls
            faults.failCreating = ".index"; // the new segment's store is created, its index is not
            assertThatThrownBy(() -> engine.append(KEY, List.of(text("r6")))).isInstanceOf(StorageFullException.class);
            faults.failCreating = null;
            assertThat(Engines.storeFiles(dir, KEY)).hasSize(1);
            assertThat(engine.append(KEY, List.of(text("r6")))).isEqualTo(6);
            assertThat(engine.info(KEY).orElseThrow().segments()).isEqualTo(2);
        }
    }

    @Test
    void anInterruptedCallerWhoseAppendRollsASegmentNeitherFailsNorBreaksThePartition() {
        for (FsyncPolicy fsync : List.of(FsyncPolicy.ALWAYS, FsyncPolicy.NEVER)) {
            try (FileStorageEngine engine = FileStorageEngine.open(
                    Engines.config(dir.resolve(fsync.toString()), 200, fsync), Disk.LOCAL)) {
                Engines.appendTexts(engine, KEY, 0, 6); // the next append rolls
                Thread.currentThread().interrupt();
                assertThat(engine.append(KEY, List.of(text("r6")))).isEqualTo(6);
                assertThat(Thread.interrupted()).as("the interrupt is kept for the caller").isTrue();
                assertThat(engine.info(KEY).orElseThrow().segments()).isEqualTo(2);
                assertThat(engine.append(KEY, List.of(text("r7")))).isEqualTo(7);
            }
        }
    }

    @Test
    void anIndexWriteIsRetriedBeforeTheAppendFails() {
        try (FileStorageEngine engine = open(FsyncPolicy.ALWAYS)) {
            Engines.appendTexts(engine, KEY, 0, 2);
            faults.failIndexWrites.set(Segment.INDEX_WRITE_ATTEMPTS - 1);
            assertThat(engine.append(KEY, List.of(text("r2")))).isEqualTo(2);
            assertThat(faults.failIndexWrites.get()).isZero();
            assertThat(engine.read(KEY, 2).text()).isEqualTo("r2");
        }
    }

    @Test
    void anIndexWriteThatKeepsFailingFailsTheAppendAndLeavesNothingBehind() throws Exception {
        try (FileStorageEngine engine = open(FsyncPolicy.ALWAYS)) {
            Engines.appendTexts(engine, KEY, 0, 2);
            long storeSize = Files.size(Engines.store(dir, 0));
            faults.failIndexWrites.set(Segment.INDEX_WRITE_ATTEMPTS);
            assertThatThrownBy(() -> engine.append(KEY, List.of(text("r2")))).isInstanceOf(StorageFailedException.class);
            assertThat(Files.size(Engines.store(dir, 0))).isEqualTo(storeSize);
        }
        try (FileStorageEngine engine = open(FsyncPolicy.ALWAYS)) {
            assertThat(engine.info(KEY).orElseThrow().nextOffset()).isEqualTo(2);
            assertThat(engine.append(KEY, List.of(text("r2")))).isEqualTo(2);
        }
    }

    /**
     * An append that fails with an {@link Error} in the middle of its batch (here: the flush that makes
     * room for its third record; an OutOfMemoryError growing a buffer is another) has put its first
     * records into the segment's buffers: they must go, and the partition must fail closed. Left there,
     * the next append's record took the offset of the failed batch's first record in the index, and a
     * reader of that offset got the failed batch's record, not the acknowledged one.
     */
    @Test
    void anAppendFailingWithAnErrorMidBatchLeavesNoneOfItsRecordsAndThePartitionFailsClosed() {
        Long acknowledged = null;
        try (FileStorageEngine engine = open(FsyncPolicy.ALWAYS)) {
            Engines.appendTexts(engine, KEY, 0, 1);
            NewRecord big = new NewRecord(DataType.BYTES, new byte[100 * 1024], 1_764_230_400_000L);
            faults.storeWriteThrows = new OutOfMemoryError("injected: an Error flushing the batch's first records");
            assertThatThrownBy(() -> engine.append(KEY, List.of(big, big, big, big))).hasStackTraceContaining("injected");
            faults.storeWriteThrows = null;

            try {
                acknowledged = engine.append(KEY, List.of(text("after")));
            } catch (StorageFailedException refused) {
                // failed closed: nothing was acknowledged
            }
            if (acknowledged != null) {
                assertThat(engine.read(KEY, acknowledged).payload().length).as("the payload size at acknowledged offset "
                        + acknowledged).isEqualTo("after".length());
            }
        }
        try (FileStorageEngine engine = open(FsyncPolicy.ALWAYS)) {
            assertThat(engine.read(KEY, 0).text()).isEqualTo("r0");
            if (acknowledged != null) {
                assertThat(engine.read(KEY, acknowledged).text()).isEqualTo("after");
            }
            assertThat(acknowledged).as("the partition failed closed").isNull();
        }
    }

    /**
     * A partition whose close fails with an {@link Error} (its fsync handed to an I/O thread that
     * cannot start) did not close cleanly: the engine must not write the clean-shutdown marker, which
     * promises that every partition's files are durable and spares them recovery at the next start.
     */
    @Test
    void aCloseFailingWithAnErrorIsNoCleanShutdown() {
        FileStorageEngine engine = open(FsyncPolicy.ALWAYS);
        Engines.appendTexts(engine, KEY, 0, 3);
        faults.forceThrows = new OutOfMemoryError("injected: unable to create native thread");
        try {
            engine.close();
        } catch (RuntimeException | Error reported) {
            // the engine may report it; either way the marker must not be written
        }
        faults.forceThrows = null;
        assertThat(dir.resolve(DataDirectory.CLEAN_MARKER)).as("a partition failed to close").doesNotExist();
    }

    /**
     * The background fsync of a sealed segment ({@code FSYNC=never}) that fails with an {@link Error}
     * (an I/O thread that cannot start) may or may not have run: like a failed fsync it fails the
     * partition closed. The flusher used to retry it 500 ms later, and a second fsync reports success
     * for pages whose write-back error the first one took.
     */
    @Test
    void aBackgroundFsyncOfASealedSegmentFailingWithAnErrorFailsThePartitionClosed() {
        try (FileStorageEngine engine = Engines.open(dir, 200, FsyncPolicy.NEVER, faults)) {
            faults.forceThrows = new OutOfMemoryError("injected: an Error in the background fsync");
            try { // a few rolls, fewer than the appender's own bound forces; the flusher may fail the partition meanwhile
                Engines.appendTexts(engine, KEY, 0, 12);
            } catch (StorageFailedException failedAlready) {
                assertThat(failedAlready).hasStackTraceContaining("injected");
            }

            await("the partition failed closed").atMost(Duration.ofSeconds(10))
                    .until(() -> engine.metrics().get("failed_partitions") == 1L);
            faults.forceThrows = null;
            assertThatThrownBy(() -> engine.append(KEY, List.of(text("after")))).isInstanceOf(StorageFailedException.class);
        }
    }

    /**
     * Recording an epoch's start whose history save fails with an {@link Error} (the directory fsync's
     * hand-off to an I/O thread that cannot start): readers never see the entry that was not saved,
     * and the partition fails closed, since the file on disk may or may not have been replaced.
     */
    @Test
    void anEpochStartWhoseSaveFailsWithAnErrorIsNotSeenAndThePartitionFailsClosed() {
        try (FileStorageEngine engine = open(FsyncPolicy.ALWAYS)) {
            engine.append(KEY, 2, List.of(text("r0")));
            List<storelog.api.EpochStart> before = engine.epochs(KEY);
            faults.directoryForceThrows = new OutOfMemoryError("injected: an Error saving the epoch history");

            assertThatThrownBy(() -> engine.startEpoch(KEY, 4, 1)).hasStackTraceContaining("injected");
            faults.directoryForceThrows = null;

            assertThat(engine.epochs(KEY)).isEqualTo(before);
            assertThatThrownBy(() -> engine.append(KEY, 4, List.of(text("after")))).isInstanceOf(StorageFailedException.class);
        }
    }
}
