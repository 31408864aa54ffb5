package storelog.store.file;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static storelog.store.file.Engines.KEY;
import static storelog.store.file.Engines.text;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import storelog.api.DataType;
import storelog.api.NewRecord;
import storelog.api.OffsetMismatchException;
import storelog.api.OffsetOutOfRangeException;
import storelog.api.PartitionInfo;
import storelog.api.PartitionKey;
import storelog.api.Record;
import storelog.api.UnknownPartitionException;
import storelog.api.spi.StorageEngine;

class FileStorageEngineTest {

    private Path dir;

    @BeforeEach
    void setUp(TestInfo test) {
        dir = storelog.testkit.TestData.directory(test);
    }

    /**
     * A follower's pipelined requests ({@code beginAppendAt}): an append begun behind one that has not
     * waited for its fsync yet is taken at its end; neither is visible before it is durable.
     */
    @Test
    void anAppendBegunBehindOneNotYetDurableIsTakenAndNeitherIsVisibleBeforeItsWait() {
        try (FileStorageEngine engine = Engines.open(dir)) {
            StorageEngine.PendingAppend first = engine.beginAppendAt(KEY, 0, 1, List.of(text("a"), text("b")));
            StorageEngine.PendingAppend second = engine.beginAppendAt(KEY, 2, 1, List.of(text("c")));

            assertThat(engine.info(KEY)).as("not durable yet under FSYNC=always").isEmpty();
            assertThat(first.await()).isZero();
            assertThat(second.await()).isEqualTo(2);
            assertThat(engine.info(KEY).orElseThrow().nextOffset()).isEqualTo(3);
            assertThat(engine.read(KEY, 2).text()).isEqualTo("c");
        }
    }

    @Test
    void allThreeDataTypesRoundTripWithTheirTimestamps() {
        byte[] bytes = new byte[256];
        new Random(7).nextBytes(bytes);
        List<NewRecord> records = List.of(
                NewRecord.json("{\"id\":1,\"tags\":[\"a\",\"b\"]}", 1000),
                NewRecord.bytes(bytes, 2000),
                NewRecord.string("héllo wörld 😀", 3000),
                NewRecord.bytes(new byte[0], 4000));
        try (FileStorageEngine engine = Engines.open(dir)) {
            for (NewRecord r : records) {
                engine.append(KEY, List.of(r));
            }
            for (int i = 0; i < records.size(); i++) {
                Record read = engine.read(KEY, i);
                assertThat(read.offset()).isEqualTo(i);
                assertThat(read.partition()).isEqualTo(KEY);
                assertThat(read.type()).isEqualTo(records.get(i).type());
                assertThat(read.payload()).isEqualTo(records.get(i).payload());
                assertThat(read.timestamp()).isEqualTo(records.get(i).timestamp());
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"always", "interval:5", "never"})
    void everyFsyncModeStoresAndReadsBackAcrossARestart(String fsync) {
        try (FileStorageEngine engine = Engines.open(dir, 512, FsyncPolicy.parse(fsync))) {
            for (int i = 0; i < 50; i++) {
                assertThat(engine.append(KEY, List.of(text("r" + i)))).isEqualTo(i);
                assertThat(engine.read(KEY, i).text()).isEqualTo("r" + i);
            }
        }
        try (FileStorageEngine engine = Engines.open(dir, 512, FsyncPolicy.parse(fsync))) {
            assertThat(engine.read(KEY, 0, 100, Long.MAX_VALUE)).extracting(Record::text)
                    .containsExactlyElementsOf(expectedTexts(0, 50));
            assertThat(engine.append(KEY, List.of(text("r50")))).isEqualTo(50);
        }
    }

    @Test
    void offsetsStayGapFreeAcrossRollsAndRestarts() throws Exception {
        int total = 0;
        for (int run = 0; run < 4; run++) {
            try (FileStorageEngine engine = Engines.open(dir, 300, FsyncPolicy.ALWAYS)) {
                assertThat(engine.info(KEY).map(PartitionInfo::nextOffset).orElse(0L)).isEqualTo(total);
                for (int i = 0; i < 25; i++, total++) {
                    assertThat(engine.append(KEY, List.of(text("r" + total)))).isEqualTo(total);
                }
            }
        }
        try (FileStorageEngine engine = Engines.open(dir, 300, FsyncPolicy.ALWAYS)) {
            List<Record> all = engine.read(KEY, 0, 1000, Long.MAX_VALUE);
            assertThat(all).extracting(Record::offset).containsExactlyElementsOf(range(0, total));
            assertThat(all).extracting(Record::text).containsExactlyElementsOf(expectedTexts(0, total));
            assertThat(engine.info(KEY).orElseThrow().segments()).isGreaterThan(5);
        }
        Engines.dumpBeside(dir);
        assertThat(Engines.storeFiles(dir, KEY)).allSatisfy(f -> assertThat(f.resolveSibling(f.getFileName() + ".txt")).exists());
    }

    @Test
    void aSegmentRollsExactlyWhenTheNextFrameWouldPassTheMaximum() throws Exception {
        int payload = 75; // frame = 25 + 75 = 100 bytes; header 16: 16 + 3 * 100 = 316
        long max = 316;
        try (FileStorageEngine engine = Engines.open(dir, max, FsyncPolicy.ALWAYS)) {
            for (int i = 0; i < 7; i++) {
                engine.append(KEY, List.of(Engines.sized(i, payload)));
            }
        }
        Engines.dumpBeside(dir);
        List<Path> stores = Engines.storeFiles(dir, KEY);
        assertThat(stores).extracting(Engines::base).containsExactly(0L, 3L, 6L);
        assertThat(Files.size(stores.get(0))).isEqualTo(max);
        assertThat(Files.size(stores.get(1))).isEqualTo(max);
        assertThat(Files.size(stores.get(2))).isEqualTo(116);
        assertThat(Files.size(Engines.index(dir, 3))).isEqualTo(16 + 3 * 16);
    }

    @Test
    void oneFrameLargerThanTheMaximumGetsASegmentOfItsOwn() throws Exception {
        try (FileStorageEngine engine = Engines.open(dir, 200, FsyncPolicy.ALWAYS)) {
            engine.append(KEY, List.of(Engines.sized(0, 10)));
            engine.append(KEY, List.of(Engines.sized(1, 1000)));
            engine.append(KEY, List.of(Engines.sized(2, 10)));
            assertThat(engine.read(KEY, 1).payload()).hasSize(1000);
        }
        List<Path> stores = Engines.storeFiles(dir, KEY);
        assertThat(stores).extracting(Engines::base).containsExactly(0L, 1L, 2L);
        assertThat(Files.size(stores.get(1))).isEqualTo(16 + 25 + 1000);
        for (Path store : List.of(stores.get(0), stores.get(2))) {
            assertThat(Files.size(store)).isLessThanOrEqualTo(200);
        }
    }

    @Test
    void aBatchThatDoesNotFitRollsAndGoesWholeIntoTheNextSegmentAtConsecutiveOffsets() throws IOException {
        try (FileStorageEngine engine = Engines.open(dir, 256, FsyncPolicy.ALWAYS)) {
            engine.append(KEY, List.of(text("first")));
            List<NewRecord> batch = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                batch.add(text("b" + i));
            }
            assertThat(engine.append(KEY, batch)).isEqualTo(1);
            assertThat(engine.info(KEY).orElseThrow().nextOffset()).isEqualTo(41);
            assertThat(engine.read(KEY, 40).text()).isEqualTo("b39");
            assertThat(Engines.storeFiles(dir, KEY)).extracting(Engines::base).containsExactly(0L, 1L);
            engine.append(KEY, List.of(text("after")));
            assertThat(Engines.storeFiles(dir, KEY)).extracting(Engines::base).containsExactly(0L, 1L, 41L);
        }
    }

    @Test
    void appendAtAcceptsOnlyTheNextOffset() {
        try (FileStorageEngine engine = Engines.open(dir)) {
            assertThat(engine.appendAt(KEY, 0, List.of(text("a")))).isEqualTo(0);
            assertThatThrownBy(() -> engine.appendAt(KEY, 5, List.of(text("b"))))
                    .isInstanceOfSatisfying(OffsetMismatchException.class, e -> {
                        assertThat(e.nextOffset()).isEqualTo(1);
                        assertThat(e.expectedOffset()).isEqualTo(5);
                    });
            assertThat(engine.appendAt(KEY, 1, List.of(text("b")))).isEqualTo(1);
        }
    }

    @Test
    void rangeReadsStopAtTheEndAndAtTheByteBudget() {
        try (FileStorageEngine engine = Engines.open(dir, 400, FsyncPolicy.ALWAYS)) {
            for (int i = 0; i < 30; i++) {
                engine.append(KEY, List.of(Engines.sized(i, 50)));
            }
            assertThat(engine.read(KEY, 10, 5, Long.MAX_VALUE)).extracting(Record::offset).containsExactly(10L, 11L, 12L, 13L, 14L);
            assertThat(engine.read(KEY, 25, 100, Long.MAX_VALUE)).extracting(Record::offset).containsExactly(25L, 26L, 27L, 28L, 29L);
            assertThat(engine.read(KEY, 30, 10, Long.MAX_VALUE)).isEmpty();
            assertThat(engine.read(KEY, 0, 100, 1)).hasSize(1);
            assertThat(engine.read(KEY, 0, 100, 3 * 75)).hasSize(3);
            assertThatThrownBy(() -> engine.read(KEY, 31, 10, 100)).isInstanceOf(OffsetOutOfRangeException.class);
        }
    }

    @Test
    void readsOutsideThePartitionAreTypedErrors() {
        try (FileStorageEngine engine = Engines.open(dir)) {
            assertThatThrownBy(() -> engine.read(KEY, 0)).isInstanceOf(UnknownPartitionException.class);
            engine.append(KEY, List.of(text("only")));
            assertThatThrownBy(() -> engine.read(KEY, 1)).isInstanceOfSatisfying(OffsetOutOfRangeException.class,
                    e -> assertThat(e.nextOffset()).isEqualTo(1));
            assertThatThrownBy(() -> engine.read(KEY, -1)).isInstanceOf(OffsetOutOfRangeException.class);
            assertThat(engine.info(PartitionKey.of("nothing"))).isEmpty();
        }
    }

    @Test
    void partitionsAreListedInKeyOrderWithTheirSizes() {
        try (FileStorageEngine engine = Engines.open(dir, 200, FsyncPolicy.ALWAYS)) {
            Engines.appendTexts(engine, PartitionKey.of("b"), 0, 10);
            Engines.appendTexts(engine, PartitionKey.of("a"), 0, 1);
        }
        try (FileStorageEngine engine = Engines.open(dir, 200, FsyncPolicy.ALWAYS)) {
            List<PartitionInfo> all = engine.partitions();
            assertThat(all).extracting(p -> p.partition().value()).containsExactly("a", "b");
            assertThat(all.get(0)).isEqualTo(new PartitionInfo(PartitionKey.of("a"), 1, 1, 16 + 25 + 2));
            assertThat(all.get(1).nextOffset()).isEqualTo(10);
            assertThat(all.get(1).segments()).isGreaterThan(1);
        }
    }

    @Test
    void truncationRemovesTheTailAndOffsetsContinueFromThere() {
        try (FileStorageEngine engine = Engines.open(dir, 200, FsyncPolicy.ALWAYS)) {
            Engines.appendTexts(engine, KEY, 0, 30);
            engine.truncate(KEY, 12);
            assertThat(engine.info(KEY).orElseThrow().nextOffset()).isEqualTo(12);
            assertThatThrownBy(() -> engine.read(KEY, 12)).isInstanceOf(OffsetOutOfRangeException.class);
            assertThat(engine.append(KEY, List.of(text("new12")))).isEqualTo(12);
        }
        try (FileStorageEngine engine = Engines.open(dir, 200, FsyncPolicy.ALWAYS)) {
            assertThat(engine.read(KEY, 0, 100, Long.MAX_VALUE)).extracting(Record::text)
                    .containsExactlyElementsOf(concat(expectedTexts(0, 12), List.of("new12")));
            engine.truncate(KEY, 0);
            assertThat(engine.info(KEY).orElseThrow().nextOffset()).isZero();
            assertThat(engine.append(KEY, List.of(text("again")))).isZero();
        }
    }

    @Test
    void aClosedEngineRefusesWork() {
        FileStorageEngine engine = Engines.open(dir);
        engine.close();
        engine.close();
        assertThatThrownBy(() -> engine.append(KEY, List.of(text("late")))).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> engine.read(KEY, 0)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void aDataDirectoryIsOwnedByOneEngineAtATime() {
        try (FileStorageEngine engine = Engines.open(dir)) {
            engine.append(KEY, List.of(text("x")));
            assertThatThrownBy(() -> Engines.open(dir)).isInstanceOf(storelog.api.StorageFailedException.class)
                    .hasMessageContaining("in use");
        }
        try (FileStorageEngine engine = Engines.open(dir)) {
            assertThat(engine.read(KEY, 0).text()).isEqualTo("x");
        }
    }

    @Test
    void aCleanCloseLeavesTheMarkerAndOpeningConsumesIt() {
        try (FileStorageEngine engine = Engines.open(dir)) {
            engine.append(KEY, List.of(text("x")));
            assertThat(dir.resolve(DataDirectory.CLEAN_MARKER)).doesNotExist();
        }
        assertThat(dir.resolve(DataDirectory.CLEAN_MARKER)).exists();
    }

    @Test
    void storedBytesAreExactlyWhatWasAppended() {
        byte[] all = new byte[256];
        for (int i = 0; i < all.length; i++) {
            all[i] = (byte) i;
        }
        try (FileStorageEngine engine = Engines.open(dir)) {
            engine.append(KEY, List.of(NewRecord.bytes(all, 0), new NewRecord(DataType.JSON, "[1, 2]".getBytes(StandardCharsets.UTF_8), 0)));
            assertThat(engine.read(KEY, 0).payload()).isEqualTo(all);
            assertThat(engine.read(KEY, 1).text()).isEqualTo("[1, 2]");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"always", "interval:5", "never"})
    void theStartUpLineSaysWhatACrashCanLoseAndWhetherOffsetsAreReused(String fsync) {
        String line;
        try (LogCapture log = new LogCapture(FileStorageEngine.class);
             FileStorageEngine engine = Engines.open(dir, 1 << 20, FsyncPolicy.parse(fsync))) {
            line = log.text();
        }
        assertThat(line).contains("FSYNC=" + fsync);
        if (fsync.equals("always")) {
            assertThat(line).contains("survive a process crash and a power loss").contains("never given to other data");
        } else {
            assertThat(line).contains("a crash can lose").contains("offsets are then given to new, different records");
        }
    }

    static List<String> expectedTexts(int from, int to) {
        List<String> texts = new ArrayList<>();
        for (int i = from; i < to; i++) {
            texts.add("r" + i);
        }
        return texts;
    }

    static List<Long> range(long from, long to) {
        List<Long> offsets = new ArrayList<>();
        for (long i = from; i < to; i++) {
            offsets.add(i);
        }
        return offsets;
    }

    static <T> List<T> concat(List<T> a, List<T> b) {
        List<T> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }
}
