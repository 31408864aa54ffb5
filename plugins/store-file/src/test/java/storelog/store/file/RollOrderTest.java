package storelog.store.file;

import static org.assertj.core.api.Assertions.assertThat;
import static storelog.store.file.Engines.KEY;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import storelog.testkit.TestData;

/**
 * Under {@code FSYNC=always} recovery does not check sealed segments — each was forced when it
 * rolled — so the full segment must be forced before the next one exists on disk: a crash between
 * would otherwise leave the full one's unsynced tail (never acknowledged) lost behind a later
 * segment, its offsets answering {@code corrupt_record} forever instead of being reused.
 */
class RollOrderTest {

    /**
     * A batch rolls before its first record (a segment holds whole batches), so the full segment holds
     * unforced records at a roll only while another append's group commit runs: one is held in its
     * fsync while a batch that does not fit rolls.
     */
    @Test
    void theFullSegmentIsForcedBeforeTheNextOneIsCreated(TestInfo test) throws InterruptedException {
        Path dir = TestData.directory(test);
        Faults faults = new Faults();
        try (FileStorageEngine engine = Engines.open(dir, 100, FsyncPolicy.ALWAYS, faults)) {
            Engines.appendTexts(engine, KEY, 0, 1);
            faults.storeForceGate.arm();
            Thread single = Thread.ofPlatform().start(() -> engine.append(KEY, java.util.List.of(Engines.text("r1"))));
            faults.storeForceGate.awaitBlocked(); // r1 is written, its fsync held
            int before = faults.events.size();
            Thread batch = Thread.ofPlatform().start(() -> engine.append(KEY, java.util.List.of(Engines.text("r2"),
                    Engines.text("r3"), Engines.text("r4"), Engines.text("r5"))));
            Path full = Engines.store(dir, 0).toAbsolutePath();
            Path created = Engines.store(dir, 2).toAbsolutePath();
            long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(30);
            while (!faults.events.contains("create " + created) && batch.getState() == Thread.State.RUNNABLE
                    && System.nanoTime() < deadline) {
                Thread.onSpinWait(); // until the roll created the next segment, or waits for the held fsync
            }
            faults.storeForceGate.release();
            single.join();
            batch.join();
            int create = faults.indexOf("create " + created, before);
            assertThat(create).as("the batch rolled at offset 2: " + faults.events).isNotNegative();
            int lastForceBefore = -1;
            for (int i = before; i < create; i++) {
                if (faults.events.get(i).equals("force " + full)) {
                    lastForceBefore = i;
                }
            }
            assertThat(lastForceBefore).as("the full segment's records were forced before the next segment was created: "
                    + faults.events).isNotNegative();
        }
    }

    /**
     * A roll whose new segment was created but whose directory fsync failed: the failed append is
     * rolled back, and the new segment's files must go with it — left behind the full segment, they
     * would make recovery count records the full one never kept (the batch's, cut back), and answer
     * {@code corrupt_record} for them.
     */
    @Test
    void aRollWhoseDirectoryFsyncFailedLeavesNoSegmentBehind(TestInfo test) {
        Path dir = TestData.directory(test);
        Faults faults = new Faults();
        try (FileStorageEngine engine = Engines.open(dir, 100, FsyncPolicy.ALWAYS, faults)) {
            Engines.appendTexts(engine, KEY, 0, 1);
            faults.directoryForceError = "injected directory fsync failure (EIO)";
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> engine.append(KEY, java.util.List.of(Engines.text("r1"),
                    Engines.text("r2"), Engines.text("r3"), Engines.text("r4")))).isInstanceOf(storelog.api.StorageFailedException.class);
            faults.directoryForceError = null;
        }
        assertThat(Engines.store(dir, 1)).as("the rolled-back segment's store").doesNotExist();
        try (FileStorageEngine engine = Engines.open(dir, 100, FsyncPolicy.ALWAYS)) {
            assertThat(engine.info(KEY).orElseThrow().nextOffset()).isEqualTo(1);
            assertThat(engine.read(KEY, 0).text()).isEqualTo("r0");
            assertThat(engine.append(KEY, java.util.List.of(Engines.text("next")))).isEqualTo(1);
        }
    }

    /**
     * The shape such a failed roll leaves when even removing the new segment failed: the full segment
     * cut back, an empty segment after it. Recovery, after a crash or a clean stop, takes the full
     * one for what it holds — the empty one goes, offsets continue from the last record — under
     * {@code always} too, where sealed segments are otherwise not checked.
     */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(booleans = {true, false})
    void anEmptySegmentBehindACutBackOneIsDroppedAtRecovery(boolean cleanStop, TestInfo test) throws Exception {
        Path dir = TestData.directory(test);
        try (FileStorageEngine engine = Engines.open(dir, 100, FsyncPolicy.ALWAYS)) {
            Engines.appendTexts(engine, KEY, 0, 4); // records 0-2 in segment 0, 3 in segment 3
        }
        Path store = Engines.store(dir, 0);
        Path index = Engines.index(dir, 0);
        java.nio.file.Files.write(store, java.util.Arrays.copyOf(java.nio.file.Files.readAllBytes(store),
                (int) (java.nio.file.Files.size(store) - Frame.length(2)))); // record 2 cut back
        CrashShapesTest.truncate(index, IndexEntry.positionOf(2));
        CrashShapesTest.truncate(Engines.store(dir, 3), FileHeader.SIZE); // the new segment, empty
        CrashShapesTest.truncate(Engines.index(dir, 3), FileHeader.SIZE);
        if (!cleanStop) {
            java.nio.file.Files.delete(dir.resolve(DataDirectory.CLEAN_MARKER));
        }
        try (FileStorageEngine engine = Engines.open(dir, 100, FsyncPolicy.ALWAYS)) {
            assertThat(engine.info(KEY).orElseThrow().nextOffset()).isEqualTo(2);
            assertThat(engine.read(KEY, 1).text()).isEqualTo("r1");
            assertThat(engine.append(KEY, java.util.List.of(Engines.text("next")))).isEqualTo(2);
            assertThat(engine.read(KEY, 2).text()).isEqualTo("next");
        }
    }

    /**
     * The other shape a failed roll's leftover segment can be found in: later appends that fitted went
     * on in the full segment (acknowledged) past the leftover's base. They are the log; the empty
     * leftover is not.
     */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(booleans = {true, false})
    void anEmptyLeftoverSegmentDoesNotHideRecordsAppendedPastItsBase(boolean cleanStop, TestInfo test) throws Exception {
        Path dir = TestData.directory(test);
        try (FileStorageEngine engine = Engines.open(dir, 1 << 20, FsyncPolicy.ALWAYS)) {
            Engines.appendTexts(engine, KEY, 0, 5);
        }
        java.nio.file.Files.write(Engines.store(dir, 3), toArray(FileHeader.STORE.encode(3))); // the failed roll's leftover
        java.nio.file.Files.write(Engines.index(dir, 3), toArray(FileHeader.INDEX.encode(3)));
        if (!cleanStop) {
            java.nio.file.Files.delete(dir.resolve(DataDirectory.CLEAN_MARKER));
        }
        try (FileStorageEngine engine = Engines.open(dir, 1 << 20, FsyncPolicy.ALWAYS)) {
            assertThat(engine.info(KEY).orElseThrow().nextOffset()).isEqualTo(5);
            assertThat(engine.read(KEY, 4).text()).isEqualTo("r4");
        }
    }

    private static byte[] toArray(java.nio.ByteBuffer buffer) {
        byte[] bytes = new byte[buffer.remaining()];
        buffer.get(bytes);
        return bytes;
    }
}
