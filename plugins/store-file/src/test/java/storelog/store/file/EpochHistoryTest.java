package storelog.store.file;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static storelog.store.file.Engines.KEY;
import static storelog.store.file.Engines.text;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import storelog.api.EpochStart;
import storelog.api.NewRecord;
import storelog.api.OffsetMismatchException;
import storelog.api.PartitionKey;
import storelog.api.Record;
import storelog.api.StaleEpochException;
import storelog.api.StorageFailedException;
import storelog.api.StorageFullException;
import storelog.api.StoreLogException;
import storelog.testkit.TestData;

/**
 * The leader-epoch history of a live partition: when it grows, what it refuses, how truncations,
 * failed appends and rolled-back group commits change it, and that it is durable before the records
 * of a new epoch in every {@code FSYNC} mode.
 */
class EpochHistoryTest {

    private Path dir;
    private Path crashed;
    private Path partitionDir;
    private final Faults faults = new Faults();
    private final ExecutorService pool = Executors.newCachedThreadPool();

    @BeforeEach
    void setUp(TestInfo test) {
        Path root = TestData.directory(test);
        dir = root.resolve("data");
        crashed = root.resolve("crashed");
        partitionDir = Engines.partitionDir(dir, KEY);
    }

    @AfterEach
    void tearDown() {
        pool.shutdownNow();
    }

    private FileStorageEngine open(FsyncPolicy fsync) {
        return Engines.open(dir, 1 << 20, fsync, faults);
    }

    /** Records whose payload names their epoch ({@link EpochChecks#epochOf}). */
    private static List<NewRecord> records(long epoch, String... names) {
        List<NewRecord> out = new ArrayList<>();
        for (String name : names) {
            out.add(text("e" + epoch + "-" + name));
        }
        return out;
    }

    private static List<EpochStart> history(long... epochAndStart) {
        List<EpochStart> out = new ArrayList<>();
        for (int i = 0; i < epochAndStart.length; i += 2) {
            out.add(new EpochStart(epochAndStart[i], epochAndStart[i + 1]));
        }
        return out;
    }

    @Test
    void theHistoryGrowsOnlyWhenAnEpochStarts() {
        try (FileStorageEngine engine = open(FsyncPolicy.ALWAYS)) {
            engine.append(KEY, 1, records(1, "a"));
            engine.append(KEY, 1, records(1, "b", "c"));
            engine.appendAt(KEY, 3, 1, records(1, "d"));
            engine.append(KEY, records(1, "e")); // no epoch: the latest
            assertThat(engine.epochs(KEY)).isEqualTo(history(1, 0));
            assertThat(EpochChecks.historyWrites(faults, partitionDir)).as("one write for epoch 1").isEqualTo(1);

            engine.append(KEY, 2, records(2, "f"));
            engine.append(KEY, 2, records(2, "g", "h"));
            engine.appendAt(KEY, 8, 2, records(2, "i"));
            engine.append(KEY, records(2, "j"));
            assertThat(engine.epochs(KEY)).isEqualTo(history(1, 0, 2, 5));
            assertThat(EpochChecks.historyWrites(faults, partitionDir)).as("one more for epoch 2").isEqualTo(2);

            engine.append(KEY, 7, records(7, "k"));
            assertThat(engine.epochs(KEY)).isEqualTo(history(1, 0, 2, 5, 7, 10));
            assertThat(EpochChecks.historyWrites(faults, partitionDir)).isEqualTo(3);
            EpochChecks.assertRecordsMatch(engine, KEY, "live");
        }
        try (FileStorageEngine engine = open(FsyncPolicy.ALWAYS)) {
            assertThat(engine.epochs(KEY)).as("after a clean restart").isEqualTo(history(1, 0, 2, 5, 7, 10));
            EpochChecks.assertRecordsMatch(engine, KEY, "restarted");
        }
    }

    @Test
    void aPartitionWrittenOnlyUnderEpochZeroNeedsNoHistoryFile() {
        try (FileStorageEngine engine = open(FsyncPolicy.ALWAYS)) {
            Engines.appendTexts(engine, KEY, 0, 3);
            engine.append(KEY, 0, List.of(text("r3")));
            assertThat(engine.epochs(KEY)).isEqualTo(history(0, 0));
        }
        assertThat(EpochHistoryFile.in(partitionDir)).doesNotExist();
        assertThat(EpochChecks.historyWrites(faults, partitionDir)).isZero();
        try (FileStorageEngine engine = open(FsyncPolicy.ALWAYS)) {
            assertThat(engine.epochs(KEY)).isEqualTo(history(0, 0));
        }
    }

    @Test
    void anAppendThatNamesNoEpochContinuesTheLatest() {
        try (FileStorageEngine engine = open(FsyncPolicy.ALWAYS)) {
            engine.append(KEY, 4, records(4, "a"));
            engine.append(KEY, records(4, "b"));
            engine.appendAt(KEY, 2, records(4, "c"));

            assertThat(engine.epochs(KEY)).isEqualTo(history(4, 0));
            assertThatThrownBy(() -> engine.append(KEY, 3, records(3, "d"))).isInstanceOf(StaleEpochException.class);
        }
    }

    @Test
    void aStaleEpochIsRefusedAndNothingIsStored() {
        try (FileStorageEngine engine = open(FsyncPolicy.ALWAYS)) {
            engine.append(KEY, 5, records(5, "a", "b", "c"));

            assertThatThrownBy(() -> engine.append(KEY, 3, records(3, "x"))).isInstanceOfSatisfying(StaleEpochException.class, e -> {
                assertThat(e.epoch()).isEqualTo(3);
                assertThat(e.highest()).isEqualTo(5);
                assertThat(e).hasMessageContaining(KEY.toString()).hasMessageContaining("epoch 5");
            });
            assertThatThrownBy(() -> engine.appendAt(KEY, 3, 4, records(4, "y"))).isInstanceOf(StaleEpochException.class);
            assertThatThrownBy(() -> engine.appendAt(KEY, 99, 4, records(4, "z"))).as("stale before the offset is compared")
                    .isInstanceOf(StaleEpochException.class);

            assertThat(engine.info(KEY).orElseThrow().nextOffset()).isEqualTo(3);
            assertThat(engine.epochs(KEY)).isEqualTo(history(5, 0));
            assertThat(EpochChecks.historyWrites(faults, partitionDir)).isEqualTo(1);
        }
        try (FileStorageEngine engine = open(FsyncPolicy.ALWAYS)) {
            assertThat(engine.read(KEY, 0, 100, Long.MAX_VALUE)).extracting(Record::text).containsExactly("e5-a", "e5-b", "e5-c");
        }
    }

    @Test
    void aNegativeEpochIsRefused() {
        try (FileStorageEngine engine = open(FsyncPolicy.ALWAYS)) {
            assertThatThrownBy(() -> engine.append(KEY, -1, records(1, "a"))).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> engine.appendAt(KEY, 0, -2, records(1, "a"))).isInstanceOf(IllegalArgumentException.class);
            assertThat(engine.info(KEY)).isEmpty();
            assertThat(engine.epochs(KEY)).isEmpty();
        }
    }

    @Test
    void aPartitionThatDoesNotExistHasNoHistory() {
        try (FileStorageEngine engine = open(FsyncPolicy.ALWAYS)) {
            assertThat(engine.epochs(PartitionKey.of("nothing-here"))).isEmpty();
        }
    }

    @Test
    void aFollowerStoresTheLeadersOffsetsAndEpochs() {
        try (FileStorageEngine engine = open(FsyncPolicy.ALWAYS)) {
            assertThat(engine.appendAt(KEY, 0, 1, records(1, "a", "b", "c"))).isZero();
            engine.appendAt(KEY, 3, 1, records(1, "d"));
            engine.appendAt(KEY, 4, 3, records(3, "e", "f"));
            assertThat(engine.epochs(KEY)).isEqualTo(history(1, 0, 3, 4));

            assertThatThrownBy(() -> engine.appendAt(KEY, 9, 5, records(5, "x"))).isInstanceOfSatisfying(
                    OffsetMismatchException.class, e -> assertThat(e.nextOffset()).isEqualTo(6));
            assertThat(engine.epochs(KEY)).as("a refused append adds no epoch").isEqualTo(history(1, 0, 3, 4));

            engine.appendAt(KEY, 6, 5, records(5, "g"));
            assertThat(engine.epochs(KEY)).isEqualTo(history(1, 0, 3, 4, 5, 6));

            engine.truncate(KEY, 4); // divergence: the new leader has other records from offset 4
            assertThat(engine.epochs(KEY)).isEqualTo(history(1, 0));
            engine.appendAt(KEY, 4, 2, records(2, "h")); // an epoch below the truncated ones
            assertThat(engine.epochs(KEY)).isEqualTo(history(1, 0, 2, 4));
        }
        try (FileStorageEngine engine = open(FsyncPolicy.ALWAYS)) {
            assertThat(engine.epochs(KEY)).isEqualTo(history(1, 0, 2, 4));
            assertThat(EpochChecks.assertRecordsMatch(engine, KEY, "restarted")).extracting(Record::text)
                    .containsExactly("e1-a", "e1-b", "e1-c", "e1-d", "e2-h");
        }
    }

    @Test
    void aTruncationDropsTheEpochsFromItsOffsetOn() throws Exception {
        try (FileStorageEngine engine = open(FsyncPolicy.ALWAYS)) {
            engine.append(KEY, 1, records(1, "0", "1", "2", "3", "4"));
            engine.append(KEY, 2, records(2, "5", "6", "7", "8", "9"));
            engine.append(KEY, 3, records(3, "10", "11", "12"));

            engine.truncate(KEY, 11);
            assertThat(engine.epochs(KEY)).isEqualTo(history(1, 0, 2, 5, 3, 10));
            engine.truncate(KEY, 10);
            assertThat(engine.epochs(KEY)).isEqualTo(history(1, 0, 2, 5));
            assertThat(EpochChecks.onDisk(partitionDir)).as("durable when truncate returns").isEqualTo(history(1, 0, 2, 5));
            engine.truncate(KEY, 7);
            assertThat(engine.epochs(KEY)).isEqualTo(history(1, 0, 2, 5));
            engine.truncate(KEY, 5);
            assertThat(engine.epochs(KEY)).isEqualTo(history(1, 0));
            engine.truncate(KEY, 0);
            assertThat(engine.epochs(KEY)).isEmpty();
            assertThat(EpochChecks.onDisk(partitionDir)).isEmpty();
        }
        try (FileStorageEngine engine = open(FsyncPolicy.ALWAYS)) {
            assertThat(engine.epochs(KEY)).isEmpty();
            engine.append(KEY, records(0, "new"));
            assertThat(engine.epochs(KEY)).as("no epoch after a truncation to 0: epoch 0").isEqualTo(history(0, 0));
        }
    }

    /**
     * A new epoch's first append fails after its entry was saved (here: the roll to a new segment
     * finds the disk full): the entry stays at the next offset, without records. It is no reason to
     * refuse a lower epoch, whose append replaces it; a truncation at the end removes it too.
     */
    @Test
    void aFailedAppendLeavesItsEpochAtTheNextOffsetWhereALowerEpochMayReplaceIt() throws Exception {
        try (FileStorageEngine engine = Engines.open(dir, 64, FsyncPolicy.ALWAYS, faults)) { // a segment per record
            engine.append(KEY, 1, records(1, "a"));
            engine.append(KEY, 2, records(2, "b"));
            faults.failCreating = ".store";
            assertThatThrownBy(() -> engine.append(KEY, 5, records(5, "c"))).isInstanceOf(StorageFullException.class);
            faults.failCreating = null;

            assertThat(engine.info(KEY).orElseThrow().nextOffset()).isEqualTo(2);
            assertThat(engine.epochs(KEY)).as("the entry stays, at the next offset").isEqualTo(history(1, 0, 2, 1, 5, 2));
            assertThatThrownBy(() -> engine.append(KEY, 1, records(1, "x"))).as("epoch 2 has records")
                    .isInstanceOf(StaleEpochException.class);

            engine.append(KEY, 3, records(3, "d"));
            assertThat(engine.epochs(KEY)).isEqualTo(history(1, 0, 2, 1, 3, 2));
            EpochChecks.assertRecordsMatch(engine, KEY, "after the failed append");

            faults.failCreating = ".store";
            assertThatThrownBy(() -> engine.append(KEY, 6, records(6, "e"))).isInstanceOf(StorageFullException.class);
            faults.failCreating = null;
            engine.truncate(KEY, 3); // at the end: no record is cut, the entry without records goes
            assertThat(engine.epochs(KEY)).isEqualTo(history(1, 0, 2, 1, 3, 2));
            assertThat(EpochChecks.onDisk(partitionDir)).isEqualTo(history(1, 0, 2, 1, 3, 2));
        }
    }

    @Test
    void aNewPartitionWhoseFirstAppendFailedHasNoHistoryYet() {
        PartitionKey fresh = PartitionKey.of("fresh");
        try (FileStorageEngine engine = open(FsyncPolicy.ALWAYS)) {
            faults.failCreating = ".store";
            assertThatThrownBy(() -> engine.append(fresh, 3, records(3, "a"))).isInstanceOf(StorageFullException.class);
            faults.failCreating = null;

            assertThat(engine.info(fresh)).isEmpty();
            assertThat(engine.epochs(fresh)).as("the partition does not exist").isEmpty();
            engine.append(fresh, 2, records(2, "b")); // no record of epoch 3 exists: not stale
            assertThat(engine.epochs(fresh)).isEqualTo(history(2, 0));
        }
    }

    /**
     * The history's file write goes first; under every mode it is durable before the append returns,
     * and before any of the new epoch's records is forced — also the one a roll in the middle of the
     * append forces with the segment it seals.
     */
    @ParameterizedTest
    @ValueSource(strings = {"always", "interval:60000", "never"})
    void aNewEpochIsDurableBeforeAnyOfItsRecords(String fsync) {
        try (FileStorageEngine engine = Engines.open(dir, 100, FsyncPolicy.parse(fsync), faults)) { // 2 records a segment
            engine.append(KEY, 1, records(1, "a"));
            int from = faults.events.size();
            engine.append(KEY, 2, records(2, "b", "c", "d")); // b fills segment 0, c rolls to segment 2

            Path temporary = partitionDir.resolve(EpochHistoryFile.TEMPORARY_NAME);
            int forced = faults.indexOf("force " + temporary, from);
            int renamed = faults.indexOf("move " + temporary + " " + EpochHistoryFile.in(partitionDir), from);
            int dirForced = faults.indexOf("force-dir " + partitionDir, renamed);
            assertThat(forced).as("the new history is forced").isNotNegative();
            assertThat(renamed).as("then renamed over the old one").isGreaterThan(forced);
            assertThat(dirForced).as("then its directory forced").isGreaterThan(renamed);
            int storeForced = firstStoreForce(from);
            if (fsync.equals("always")) {
                assertThat(storeForced).as("records are forced, after the history").isGreaterThan(dirForced);
            } else if (storeForced >= 0) {
                assertThat(storeForced).as("a sealed segment forced in the background, after the history").isGreaterThan(dirForced);
            }
            assertThat(engine.epochs(KEY)).isEqualTo(history(1, 0, 2, 1));
            EpochChecks.assertRecordsMatch(engine, KEY, fsync);
        }
    }

    private int firstStoreForce(int from) {
        synchronized (faults.events) {
            for (int i = from; i < faults.events.size(); i++) {
                if (faults.events.get(i).startsWith("force ") && faults.events.get(i).endsWith(".store")) {
                    return i;
                }
            }
            return -1;
        }
    }

    @Test
    void aFullDiskWhileTheHistoryIsSavedFailsTheAppendCleanly() throws Exception {
        try (FileStorageEngine engine = open(FsyncPolicy.ALWAYS)) {
            engine.append(KEY, 1, records(1, "a", "b"));
            faults.diskFull = true;
            assertThatThrownBy(() -> engine.append(KEY, 2, records(2, "c"))).isInstanceOf(StorageFullException.class);
            faults.diskFull = false;

            assertThat(engine.epochs(KEY)).isEqualTo(history(1, 0));
            assertThat(EpochChecks.onDisk(partitionDir)).isEqualTo(history(1, 0));
            assertThat(partitionDir.resolve(EpochHistoryFile.TEMPORARY_NAME)).as("its space is given back").doesNotExist();
            assertThat(engine.append(KEY, 2, records(2, "c"))).as("writable once there is room").isEqualTo(2);
            assertThat(engine.epochs(KEY)).isEqualTo(history(1, 0, 2, 2));
        }
    }

    @Test
    void aFailedFsyncOfTheHistoryFailsThePartitionClosed() {
        try (FileStorageEngine engine = open(FsyncPolicy.ALWAYS)) {
            engine.append(KEY, 1, records(1, "a", "b"));
            faults.failForce = true;
            assertThatThrownBy(() -> engine.append(KEY, 2, records(2, "c"))).isInstanceOf(StorageFailedException.class);
            faults.failForce = false;

            assertThatThrownBy(() -> engine.append(KEY, 1, records(1, "x"))).as("closed for writes")
                    .isInstanceOf(StorageFailedException.class).hasMessageContaining("refuses writes");
            assertThat(engine.epochs(KEY)).isEqualTo(history(1, 0));
            assertThat(engine.read(KEY, 0, 10, Long.MAX_VALUE)).extracting(Record::text).containsExactly("e1-a", "e1-b");
        }
        try (FileStorageEngine engine = open(FsyncPolicy.ALWAYS)) {
            assertThat(engine.epochs(KEY)).isEqualTo(history(1, 0));
            assertThat(engine.append(KEY, 2, records(2, "c"))).isEqualTo(2);
        }
    }

    /**
     * Under {@code always} a new epoch's entry exists before its records are durable, and so before
     * readers see them: {@code epochs()} must not show it while it starts beyond the visible end.
     */
    @Test
    void epochsNeverShowAnEntryBeyondWhatReadersSee() throws Exception {
        try (FileStorageEngine engine = open(FsyncPolicy.ALWAYS)) {
            engine.append(KEY, 1, records(1, "0", "1", "2", "3", "4"));
            faults.storeForceGate.arm();
            Future<Long> first = pool.submit(() -> engine.append(KEY, 1, records(1, "5")));
            faults.storeForceGate.awaitBlocked(); // offset 5 is being fsynced: readers see 5 records
            Future<Long> second = pool.submit(() -> engine.append(KEY, 2, records(2, "6")));
            EpochChecks.await("the history holds epoch 2", () -> historyHolds(2));

            assertThat(engine.info(KEY).orElseThrow().nextOffset()).isEqualTo(5);
            assertThat(engine.epochs(KEY)).as("epoch 2 starts at 6, beyond what readers see").isEqualTo(history(1, 0));

            faults.storeForceGate.release();
            assertThat(first.get(30, TimeUnit.SECONDS)).isEqualTo(5);
            assertThat(second.get(30, TimeUnit.SECONDS)).isEqualTo(6);
            assertThat(engine.epochs(KEY)).isEqualTo(history(1, 0, 2, 6));
        }
    }

    /** Nor at the visible end while the first records of that epoch are on their way to disk. */
    @Test
    void epochsShowAnEpochOnlyWithItsFirstRecords() throws Exception {
        try (FileStorageEngine engine = open(FsyncPolicy.ALWAYS)) {
            engine.append(KEY, 1, records(1, "0", "1"));
            faults.storeForceGate.arm();
            Future<Long> newEpoch = pool.submit(() -> engine.append(KEY, 3, records(3, "2")));
            faults.storeForceGate.awaitBlocked(); // its records are being fsynced: readers see 2 records

            assertThat(EpochChecks.onDisk(partitionDir)).isEqualTo(history(1, 0, 3, 2));
            assertThat(engine.epochs(KEY)).as("epoch 3 has no visible record yet").isEqualTo(history(1, 0));

            faults.storeForceGate.release();
            assertThat(newEpoch.get(30, TimeUnit.SECONDS)).isEqualTo(2);
            assertThat(engine.epochs(KEY)).isEqualTo(history(1, 0, 3, 2));
        }
    }

    /**
     * A group commit whose flush finds the disk full rolls back every append it covered (and keeps
     * the partition writable): the epoch one of them began goes with them, from {@code epochs()} at
     * once and from the file before the next record is written — and a crash meanwhile drops it too.
     */
    @Test
    void aRolledBackGroupCommitTakesBackTheEpochItsAppendsBegan() throws Exception {
        try (FileStorageEngine engine = open(FsyncPolicy.ALWAYS)) {
            engine.append(KEY, 1, records(1, "0", "1", "2", "3", "4", "5", "6", "7", "8", "9"));
            faults.storeForceGate.arm();
            Future<Long> durable = pool.submit(() -> engine.append(KEY, 1, records(1, "10")));
            faults.storeForceGate.awaitBlocked(); // its sync is in its fsync; appends now wait for the next sync
            AtomicReference<Thread> waiting = new AtomicReference<>();
            Future<Long> sameEpoch = pool.submit(() -> {
                waiting.set(Thread.currentThread());
                return engine.append(KEY, 1, records(1, "11"));
            });
            EpochChecks.await("offset 11 waits for a sync", () -> waiting.get() != null && EpochChecks.waitsForSync(waiting.get()));
            Future<Long> newEpoch = pool.submit(() -> {
                waiting.set(Thread.currentThread());
                return engine.append(KEY, 2, records(2, "12"));
            });
            EpochChecks.await("offset 12 waits for a sync", () -> historyHolds(2) && EpochChecks.waitsForSync(waiting.get()));

            faults.diskFull = true; // the next sync's flush fails: offsets 11 and 12 are rolled back
            faults.storeForceGate.release();
            assertThat(durable.get(30, TimeUnit.SECONDS)).isEqualTo(10);
            assertThatThrownBy(() -> sameEpoch.get(30, TimeUnit.SECONDS)).hasCauseInstanceOf(StorageFullException.class);
            assertThatThrownBy(() -> newEpoch.get(30, TimeUnit.SECONDS)).hasCauseInstanceOf(StorageFullException.class);
            faults.diskFull = false;

            assertThat(engine.info(KEY).orElseThrow().nextOffset()).isEqualTo(11);
            assertThat(engine.epochs(KEY)).as("epoch 2's records are gone, so is epoch 2").isEqualTo(history(1, 0));
            EpochChecks.crashCopy(dir, crashed);
            try (FileStorageEngine afterCrash = Engines.open(crashed, 1 << 20, FsyncPolicy.ALWAYS)) {
                assertThat(afterCrash.epochs(KEY)).as("a crash now").isEqualTo(history(1, 0));
            }

            assertThat(engine.append(KEY, records(1, "11", "12"))).as("no epoch named: the latest, 1").isEqualTo(11);
            assertThat(engine.epochs(KEY)).isEqualTo(history(1, 0));
            assertThat(EpochChecks.onDisk(partitionDir)).as("saved before those records were written").isEqualTo(history(1, 0));
            assertThat(engine.append(KEY, 2, records(2, "13"))).isEqualTo(13);
            assertThat(engine.epochs(KEY)).isEqualTo(history(1, 0, 2, 13));
            EpochChecks.assertRecordsMatch(engine, KEY, "live");
        }
        try (FileStorageEngine engine = open(FsyncPolicy.ALWAYS)) {
            assertThat(EpochChecks.assertRecordsMatch(engine, KEY, "restarted")).hasSize(14);
        }
    }

    private boolean historyHolds(long epoch) {
        try {
            return Files.exists(EpochHistoryFile.in(partitionDir))
                    && EpochChecks.onDisk(partitionDir).getLast().epoch() == epoch;
        } catch (Exception e) {
            return false;
        }
    }
}
