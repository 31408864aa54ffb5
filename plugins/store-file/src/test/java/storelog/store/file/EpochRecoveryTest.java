package storelog.store.file;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static storelog.store.file.Engines.KEY;
import static storelog.store.file.Engines.text;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import storelog.api.EpochStart;
import storelog.api.PartitionKey;
import storelog.api.Record;
import storelog.api.StorageFailedException;
import storelog.testkit.TestData;

/**
 * The history at start-up: what a crash can leave (records lost after their epoch was saved, an
 * epoch saved and no record of it written, a leftover temporary file), a partition from before
 * epochs existed, and a damaged history file.
 */
class EpochRecoveryTest {

    private static final PartitionKey OTHER = PartitionKey.of("other");

    private Path root;

    @BeforeEach
    void setUp(TestInfo test) {
        root = TestData.directory(test);
    }

    /** Epoch 1 holds records 0..9, epoch 2 10..19, epoch 3 20..29; closed cleanly. */
    private Path threeEpochs(String name) {
        Path data = root.resolve(name);
        try (FileStorageEngine engine = Engines.open(data)) {
            for (long epoch = 1; epoch <= 3; epoch++) {
                for (int i = 0; i < 10; i++) {
                    engine.append(KEY, epoch, List.of(text("e" + epoch + "-" + i)));
                }
            }
        }
        return data;
    }

    private static List<EpochStart> history(long... epochAndStart) {
        List<EpochStart> out = new java.util.ArrayList<>();
        for (int i = 0; i < epochAndStart.length; i += 2) {
            out.add(new EpochStart(epochAndStart[i], epochAndStart[i + 1]));
        }
        return out;
    }

    /**
     * A crash lost the records from {@code end} on (the store cut there, as unsynced appends under
     * {@code interval}/{@code never} or a torn tail leave it): the epochs that start after the last
     * surviving record go, durably; one that starts exactly at the end stays.
     */
    @ParameterizedTest
    @ValueSource(longs = {25, 20, 15, 10, 3})
    void recoveryRemovesTheEpochsWhoseRecordsWereLost(long end) throws Exception {
        Path data = threeEpochs("data");
        Files.delete(data.resolve(DataDirectory.CLEAN_MARKER)); // a crash
        cutStoreAt(data, end);

        List<EpochStart> expected = switch ((int) end) {
            case 25, 20 -> history(1, 0, 2, 10, 3, 20);
            case 15, 10 -> history(1, 0, 2, 10);
            default -> history(1, 0);
        };
        try (FileStorageEngine engine = Engines.open(data)) {
            assertThat(engine.info(KEY).orElseThrow().nextOffset()).isEqualTo(end);
            assertThat(engine.epochs(KEY)).isEqualTo(expected);
            EpochChecks.assertRecordsMatch(engine, KEY, "recovered to " + end);
        }
        assertThat(EpochChecks.onDisk(Engines.partitionDir(data, KEY))).as("rewritten durably").isEqualTo(expected);
        assertThat(Verifier.verify(data, false).problems()).isEmpty();
    }

    @Test
    void anEpochWithoutRecordsAtTheRecoveredEndStaysAndALowerEpochMayStillFollow() throws Exception {
        Path data = threeEpochs("data");
        Files.delete(data.resolve(DataDirectory.CLEAN_MARKER));
        cutStoreAt(data, 20);
        Path copy = EpochChecks.crashCopy(data, root.resolve("copy"));
        try (FileStorageEngine engine = Engines.open(data)) {
            assertThat(engine.epochs(KEY)).isEqualTo(history(1, 0, 2, 10, 3, 20));
            engine.append(KEY, 3, List.of(text("e3-new")));
            assertThat(engine.epochs(KEY)).isEqualTo(history(1, 0, 2, 10, 3, 20));
        }
        try (FileStorageEngine engine = Engines.open(copy)) {
            engine.append(KEY, 2, List.of(text("e2-new"))); // epoch 3 has no record: not stale
            assertThat(engine.epochs(KEY)).isEqualTo(history(1, 0, 2, 10));
            EpochChecks.assertRecordsMatch(engine, KEY, "epoch 2 goes on");
        }
    }

    /**
     * The crash came after a new epoch's entry was saved and before any of its records reached the
     * file ({@code interval} holds them in memory for a minute here): the entry is at the next offset.
     */
    @Test
    void aCrashBetweenTheHistoryAndTheRecordsLeavesTheEpochAtTheNextOffset() throws Exception {
        Path data = root.resolve("data");
        FsyncPolicy lazy = FsyncPolicy.parse("interval:60000");
        try (FileStorageEngine engine = Engines.open(data, 1 << 20, FsyncPolicy.ALWAYS)) {
            engine.append(KEY, 1, List.of(text("e1-0"), text("e1-1")));
        }
        Path crashed;
        try (FileStorageEngine engine = Engines.open(data, 1 << 20, lazy)) {
            engine.append(KEY, 4, List.of(text("e4-2"), text("e4-3")));
            crashed = EpochChecks.crashCopy(data, root.resolve("crashed"));
        }
        try (FileStorageEngine engine = Engines.open(crashed, 1 << 20, lazy)) {
            assertThat(engine.info(KEY).orElseThrow().nextOffset()).as("the records were lost").isEqualTo(2);
            assertThat(engine.epochs(KEY)).isEqualTo(history(1, 0, 4, 2));
            engine.append(KEY, 4, List.of(text("e4-again")));
            assertThat(engine.epochs(KEY)).isEqualTo(history(1, 0, 4, 2));
            EpochChecks.assertRecordsMatch(engine, KEY, "after the crash");
        }
    }

    /** The upgrade path: data written before epochs existed has no history file; it is epoch 0 from offset 0. */
    @Test
    void aMissingHistoryIsEpochZeroFromOffsetZero() throws Exception {
        Path data = root.resolve("data");
        try (FileStorageEngine engine = Engines.open(data)) {
            engine.append(KEY, 4, List.of(text("e4-0"), text("e4-1")));
        }
        Files.delete(EpochHistoryFile.in(Engines.partitionDir(data, KEY)));
        try (FileStorageEngine engine = Engines.open(data)) {
            assertThat(engine.epochs(KEY)).isEqualTo(history(0, 0));
            engine.append(KEY, 4, List.of(text("e4-2")));
            assertThat(engine.epochs(KEY)).isEqualTo(history(0, 0, 4, 2));
        }
        assertThat(Verifier.verify(data, false).problems()).isEmpty();
    }

    /**
     * A history whose bytes the disk changed cannot be rebuilt: that partition serves its records but
     * refuses appends, truncations and its history, naming the file — never a guessed history — and
     * the engine and the other partitions go on. A truncation to 0 leaves nothing whose epoch is
     * unknown, and starts a new history.
     */
    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void aDamagedHistoryFailsItsPartitionClosedNamingTheFile(boolean crashed) throws Exception {
        Path data = threeEpochs("data");
        try (FileStorageEngine engine = Engines.open(data)) {
            engine.append(OTHER, 7, List.of(text("e7-0")));
        }
        Path file = EpochHistoryFile.in(Engines.partitionDir(data, KEY));
        byte[] damaged = Files.readAllBytes(file);
        damaged[30] ^= 0x10;
        Files.write(file, damaged);
        if (crashed) {
            Files.delete(data.resolve(DataDirectory.CLEAN_MARKER));
        }

        try (FileStorageEngine engine = Engines.open(data)) {
            assertThat(engine.read(KEY, 0, 100, Long.MAX_VALUE)).as("reads still work").hasSize(30);
            for (Runnable refused : List.<Runnable>of(() -> engine.epochs(KEY), () -> engine.append(KEY, 3, List.of(text("e3-x"))),
                    () -> engine.append(KEY, List.of(text("e3-x"))), () -> engine.appendAt(KEY, 30, 4, List.of(text("e4-x"))),
                    () -> engine.truncate(KEY, 10))) {
                assertThatThrownBy(refused::run).isInstanceOf(StorageFailedException.class)
                        .hasMessageContaining(file.toString()).hasMessageContaining("damaged").hasMessageContaining("CRC-32C");
            }
            assertThat(engine.info(KEY).orElseThrow().nextOffset()).as("nothing stored, nothing cut").isEqualTo(30);
            assertThat(engine.append(OTHER, 7, List.of(text("e7-1")))).isEqualTo(1);
            assertThat(engine.epochs(OTHER)).isEqualTo(history(7, 0));
        }
        assertThat(Files.readAllBytes(file)).as("left as it was").isEqualTo(damaged);

        try (FileStorageEngine engine = Engines.open(data)) {
            engine.truncate(KEY, 0);
            assertThat(engine.epochs(KEY)).isEmpty();
            engine.append(KEY, 9, List.of(text("e9-0")));
        }
        try (FileStorageEngine engine = Engines.open(data)) {
            assertThat(engine.epochs(KEY)).isEqualTo(history(9, 0));
            EpochChecks.assertRecordsMatch(engine, KEY, "a new history");
        }
    }

    @Test
    void aLeftoverTemporaryHistoryIsRemoved() throws Exception {
        Path data = threeEpochs("data");
        Files.delete(data.resolve(DataDirectory.CLEAN_MARKER));
        Path leftover = Engines.partitionDir(data, KEY).resolve(EpochHistoryFile.TEMPORARY_NAME);
        Files.write(leftover, EpochHistoryFile.encode(history(1, 0, 8, 30)));
        try (FileStorageEngine engine = Engines.open(data)) {
            assertThat(engine.epochs(KEY)).isEqualTo(history(1, 0, 2, 10, 3, 20));
        }
        assertThat(leftover).doesNotExist();
    }

    /** Cuts the partition's only store file right before record {@code offset}'s frame. */
    static void cutStoreAt(Path data, long offset) throws IOException {
        ByteBuffer entry = ByteBuffer.allocate(IndexEntry.SIZE);
        try (FileChannel index = FileChannel.open(Engines.index(data, 0), StandardOpenOption.READ)) {
            index.read(entry, IndexEntry.positionOf(offset));
        }
        IndexEntry at = IndexEntry.decode(entry, 0, offset);
        try (FileChannel store = FileChannel.open(Engines.store(data, 0), StandardOpenOption.WRITE)) {
            store.truncate(at.position());
        }
        assertThat(Engines.storeFiles(data, KEY)).as("one segment").hasSize(1);
    }

    @Test
    void theHistorySurvivesACleanRestartUntouched() throws Exception {
        Path data = threeEpochs("data");
        Path file = EpochHistoryFile.in(Engines.partitionDir(data, KEY));
        long modified = Files.getLastModifiedTime(file).toMillis();
        byte[] before = Files.readAllBytes(file);
        try (FileStorageEngine engine = Engines.open(data)) {
            assertThat(engine.epochs(KEY)).isEqualTo(history(1, 0, 2, 10, 3, 20));
            assertThat(engine.read(KEY, 0, 100, Long.MAX_VALUE)).extracting(Record::offset).hasSize(30);
        }
        assertThat(Files.readAllBytes(file)).isEqualTo(before);
        assertThat(Files.getLastModifiedTime(file).toMillis()).isEqualTo(modified);
    }
}
