package storelog.store.file;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static storelog.store.file.Engines.KEY;
import static storelog.store.file.Engines.text;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;
import storelog.api.CorruptRecordException;
import storelog.api.Record;
import storelog.testkit.TestData;

/**
 * The shapes a crash or a bad disk leaves files in, each made by hand on a copy of a known good data
 * directory; then the engine opens it, and exactly the intact records must be there, and the next
 * append must get the next offset.
 */
class CrashShapesTest {

    private Path dir;

    @BeforeEach
    void setUp(TestInfo test) {
        dir = TestData.directory(test);
    }

    /** Appends {@code n} records "r0".."r(n-1)" (30-byte frames... plus payload) and closes cleanly. */
    /**
     * Makes the crash one of a run under {@code interval|never}: such a run's open leaves
     * {@code .unforced-rolls} (durably) until a clean close, and only then may a crash have lost
     * acknowledged bytes of its recent segments (data written under {@code always} was forced).
     */
    static void crashedUnderNever(Path data) throws IOException {
        Files.createFile(data.resolve(DataDirectory.UNFORCED_ROLLS));
    }

    private Path goodData(String name, int n, long maxFileSize) {
        Path data = dir.resolve(name);
        try (FileStorageEngine engine = Engines.open(data, maxFileSize, FsyncPolicy.ALWAYS)) {
            Engines.appendTexts(engine, KEY, 0, n);
        }
        return data;
    }

    /**
     * The store cut at every byte inside its last frame. After a crash that frame was a write cut short:
     * the log ends before it. After a clean stop the forced index lists it: the record was acknowledged
     * and durable, so it keeps its offset and reads of it report the damage.
     */
    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void aStoreCutInsideItsLastFrame(boolean crashed) throws IOException {
        Path good = goodData("good", 5, 1 << 20);
        long end = Files.size(Engines.store(good, 0));
        long lastFrame = end - (Frame.HEADER_SIZE + "r4".length());
        long next = crashed ? 4 : 5;
        for (long cut = lastFrame; cut < end; cut++) {
            Path copy = copy(good, dir.resolve("cut"));
            if (crashed) {
                Files.delete(copy.resolve(DataDirectory.CLEAN_MARKER));
            }
            truncate(Engines.store(copy, 0), cut);
            try (FileStorageEngine engine = Engines.open(copy)) {
                String at = "cut at " + cut + (crashed ? " after a crash" : " after a clean stop");
                assertThat(engine.info(KEY).orElseThrow().nextOffset()).as(at).isEqualTo(next);
                assertThat(engine.read(KEY, 0, 4, Long.MAX_VALUE)).as(at).extracting(Record::text)
                        .containsExactly("r0", "r1", "r2", "r3");
                if (!crashed) {
                    assertThatThrownBy(() -> engine.read(KEY, 4)).as(at).isInstanceOf(CorruptRecordException.class);
                }
                assertThat(engine.append(KEY, List.of(text("next")))).as(at).isEqualTo(next);
                assertThat(engine.read(KEY, next).text()).isEqualTo("next");
            }
            if (crashed) {
                assertThat(Files.size(Engines.store(copy, 0))).isEqualTo(lastFrame + Frame.HEADER_SIZE + 4);
            }
        }
        Engines.dumpBeside(dir);
    }

    enum Garbage { RANDOM, ZEROS, PLAUSIBLE_HEADER }

    @ParameterizedTest
    @EnumSource(Garbage.class)
    void aGarbageTailAfterACrashIsCutOff(Garbage kind) throws IOException {
        Path data = goodData("data", 10, 1 << 20);
        Files.delete(data.resolve(DataDirectory.CLEAN_MARKER));
        byte[] garbage = new byte[100];
        switch (kind) {
            case RANDOM -> new Random(42).nextBytes(garbage);
            case ZEROS -> { }
            case PLAUSIBLE_HEADER -> ByteBuffer.wrap(garbage).putInt(60).putInt(12345).putLong(10);
        }
        append(Engines.store(data, 0), garbage);
        try (FileStorageEngine engine = Engines.open(data)) {
            assertThat(engine.info(KEY).orElseThrow().nextOffset()).isEqualTo(10);
            assertThat(engine.append(KEY, List.of(text("r10")))).isEqualTo(10);
            assertThat(engine.read(KEY, 0, 20, Long.MAX_VALUE)).extracting(Record::text)
                    .containsExactlyElementsOf(FileStorageEngineTest.expectedTexts(0, 11));
        }
        Engines.dumpBeside(dir);
    }

    enum IndexDamage { TOO_LONG, TOO_SHORT, TORN_ENTRY, GARBAGE, EMPTY, MISSING, FOREIGN_HEADER }

    @ParameterizedTest
    @EnumSource(IndexDamage.class)
    void aDamagedActiveIndexIsRebuiltFromTheStore(IndexDamage damage) throws IOException {
        for (boolean crashed : new boolean[] {true, false}) {
            Path data = goodData("data-" + crashed, 20, 1 << 20);
            if (crashed) {
                Files.delete(data.resolve(DataDirectory.CLEAN_MARKER));
            }
            damage(Engines.index(data, 0), damage);
            try (FileStorageEngine engine = Engines.open(data)) {
                assertThat(engine.info(KEY).orElseThrow().nextOffset()).isEqualTo(20);
                assertThat(engine.read(KEY, 0, 100, Long.MAX_VALUE)).extracting(Record::text)
                        .containsExactlyElementsOf(FileStorageEngineTest.expectedTexts(0, 20));
                assertThat(engine.append(KEY, List.of(text("r20")))).isEqualTo(20);
            }
            assertThat(Files.size(Engines.index(data, 0))).isEqualTo(16 + 21 * 16);
        }
        Engines.dumpBeside(dir);
    }

    /** Segments past {@link StoreWalk#WALK_BOUND}: their reads use the index (a smaller one's walk its store). */
    @ParameterizedTest
    @EnumSource(IndexDamage.class)
    void aDamagedClosedIndexIsRebuiltOnFirstUse(IndexDamage damage) throws IOException {
        Path data = goodData("data", 150, 1200);
        List<Path> stores = Engines.storeFiles(data, KEY);
        assertThat(stores).hasSizeGreaterThan(2);
        long closedBase = Engines.base(stores.get(1));
        long closedEnd = Engines.base(stores.get(2));
        damage(Engines.index(data, closedBase), damage);
        try (FileStorageEngine engine = Engines.open(data, 400, FsyncPolicy.ALWAYS)) {
            for (long offset = closedBase; offset < closedEnd; offset++) {
                assertThat(engine.read(KEY, offset).text()).isEqualTo("r" + offset);
            }
            assertThat(engine.read(KEY, 0, 200, Long.MAX_VALUE)).hasSize(150);
        }
        assertThat(Files.size(Engines.store(data, closedBase))).isGreaterThan(StoreWalk.WALK_BOUND);
        assertThat(Files.size(Engines.index(data, closedBase))).isEqualTo(16 + (closedEnd - closedBase) * 16);
        Engines.dumpBeside(dir);
    }

    @Test
    void aFlippedBitInAClosedSegmentFailsThatRecordOnlyAndVerifyNamesIt() throws IOException {
        Path data = goodData("data", 30, 400);
        List<Path> stores = Engines.storeFiles(data, KEY);
        Path closed = stores.get(1);
        long base = Engines.base(closed);
        long victim = base + 2;
        long position = framePosition(data, base, victim);
        Engines.flipBit(closed, position + Frame.HEADER_SIZE + 1);

        try (FileStorageEngine engine = Engines.open(data, 400, FsyncPolicy.ALWAYS)) {
            assertThatThrownBy(() -> engine.read(KEY, victim)).isInstanceOfSatisfying(CorruptRecordException.class, e -> {
                assertThat(e.file()).isEqualTo(closed);
                assertThat(e.position()).isEqualTo(position);
                assertThat(e).hasMessageContaining("record " + victim).hasMessageContaining("CRC");
            });
            assertThat(engine.read(KEY, victim - 1).text()).isEqualTo("r" + (victim - 1));
            assertThat(engine.read(KEY, victim + 1).text()).isEqualTo("r" + (victim + 1));
            assertThat(engine.read(KEY, 0, (int) victim, Long.MAX_VALUE)).hasSize((int) victim);
            assertThatThrownBy(() -> engine.read(KEY, 0, 100, Long.MAX_VALUE)).isInstanceOf(CorruptRecordException.class);
            assertThat(engine.append(KEY, List.of(text("r30")))).isEqualTo(30);
        }
        var report = Verifier.verify(data, false);
        assertThat(report.isClean()).isFalse();
        assertThat(report.problems()).singleElement().satisfies(p -> {
            assertThat(p.file()).isEqualTo(closed);
            assertThat(p.offset()).isEqualTo(victim);
            assertThat(p.position()).isEqualTo(position);
            assertThat(p.what()).contains("corrupt");
        });
        Engines.dumpBeside(dir);
    }

    @Test
    void aFlippedBitInTheMiddleOfTheActiveSegmentIsNotMistakenForATornTail() throws IOException {
        Path data = goodData("data", 10, 1 << 20);
        Files.delete(data.resolve(DataDirectory.CLEAN_MARKER));
        long position = framePosition(data, 0, 4);
        Engines.flipBit(Engines.store(data, 0), position + Frame.HEADER_SIZE);
        try (FileStorageEngine engine = Engines.open(data)) {
            assertThat(engine.info(KEY).orElseThrow().nextOffset()).isEqualTo(10);
            assertThatThrownBy(() -> engine.read(KEY, 4)).isInstanceOf(CorruptRecordException.class);
            assertThat(engine.read(KEY, 9).text()).isEqualTo("r9");
            assertThat(engine.append(KEY, List.of(text("r10")))).isEqualTo(10);
        }
    }

    @Test
    void aSegmentWhoseCreationWasCutShortIsCompleted() throws IOException {
        Path data = goodData("data", 10, 1 << 20);
        Files.delete(data.resolve(DataDirectory.CLEAN_MARKER));
        Path partition = Engines.partitionDir(data, KEY);
        Files.write(SegmentName.storeFile(partition, 10), new byte[] {'S', 'L'}); // crash after 2 header bytes, no index
        try (FileStorageEngine engine = Engines.open(data)) {
            assertThat(engine.info(KEY).orElseThrow().nextOffset()).isEqualTo(10);
            assertThat(engine.append(KEY, List.of(text("r10")))).isEqualTo(10);
            assertThat(engine.read(KEY, 10).text()).isEqualTo("r10");
            assertThat(engine.read(KEY, 3).text()).isEqualTo("r3");
        }
        assertThat(Verifier.verify(data, false).isClean()).isTrue();
    }

    @Test
    void aClosedSegmentCutShorterThanItsHeaderKeepsItsRecordsOffsetsAsDamage() throws IOException {
        Path data = goodData("data", 30, 400);
        List<Path> stores = Engines.storeFiles(data, KEY);
        Path closed = stores.get(1);
        long base = Engines.base(closed);
        long end = Engines.base(stores.get(2));
        truncate(closed, 7);
        try (FileStorageEngine engine = Engines.open(data, 400, FsyncPolicy.ALWAYS)) {
            assertThat(engine.info(KEY).orElseThrow().nextOffset()).isEqualTo(30);
            for (long offset = base; offset < end; offset++) {
                long o = offset;
                assertThatThrownBy(() -> engine.read(KEY, o)).isInstanceOf(CorruptRecordException.class);
            }
            assertThat(engine.read(KEY, end).text()).isEqualTo("r" + end);
        }
        assertThat(Verifier.verify(data, true).problems()).extracting(p -> p.offset()).contains(base, end - 1);
    }

    @Test
    void aLastSealedSegmentThatLostItsTailAfterACrashCutsTheLogThere() throws IOException {
        Path data = goodData("data", 30, 400);
        Files.delete(data.resolve(DataDirectory.CLEAN_MARKER));
        crashedUnderNever(data);
        List<Path> stores = Engines.storeFiles(data, KEY);
        Path lastSealed = stores.get(stores.size() - 2);
        long sealedBase = Engines.base(lastSealed);
        long cutAt = framePosition(data, sealedBase, sealedBase + 2) + 3; // inside its third record
        truncate(lastSealed, cutAt);

        try (FileStorageEngine engine = Engines.open(data, 400, FsyncPolicy.NEVER)) {
            assertThat(engine.info(KEY).orElseThrow().nextOffset()).as("gap-free: cut after the last intact record")
                    .isEqualTo(sealedBase + 2);
            assertThat(engine.read(KEY, 0, 100, Long.MAX_VALUE)).extracting(Record::text)
                    .containsExactlyElementsOf(FileStorageEngineTest.expectedTexts(0, (int) sealedBase + 2));
            assertThat(engine.append(KEY, List.of(text("next")))).isEqualTo(sealedBase + 2);
        }
        assertThat(Engines.storeFiles(data, KEY)).hasSize(stores.size() - 1);
        assertThat(Verifier.verify(data, false).isClean()).isTrue();
    }

    @Test
    void anOlderRecentSealedSegmentThatLostItsTailCutsTheLogThereToo() throws IOException {
        Path data = goodData("data", 80, 200);
        Files.delete(data.resolve(DataDirectory.CLEAN_MARKER));
        crashedUnderNever(data);
        List<Path> stores = Engines.storeFiles(data, KEY);
        assertThat(stores).hasSizeGreaterThan(BackgroundFlush.MAX_PENDING + 1);
        Path damaged = stores.get(stores.size() - 1 - BackgroundFlush.MAX_PENDING); // the oldest that may be unsynced
        long base = Engines.base(damaged);
        truncate(damaged, framePosition(data, base, base + 1) + 2);

        try (FileStorageEngine engine = Engines.open(data, 200, FsyncPolicy.NEVER)) {
            assertThat(engine.info(KEY).orElseThrow().nextOffset()).isEqualTo(base + 1);
            assertThat(engine.append(KEY, List.of(text("next")))).isEqualTo(base + 1);
        }
        assertThat(Engines.storeFiles(data, KEY)).hasSize(stores.size() - BackgroundFlush.MAX_PENDING);
        assertThat(Verifier.verify(data, false).isClean()).isTrue();
    }

    @Test
    void aCompleteLastSealedSegmentWithABrokenIndexKeepsEveryRecord() throws IOException {
        Path data = goodData("data", 30, 400);
        Files.delete(data.resolve(DataDirectory.CLEAN_MARKER));
        List<Path> stores = Engines.storeFiles(data, KEY);
        long sealedBase = Engines.base(stores.get(stores.size() - 2));
        Files.delete(Engines.index(data, sealedBase));
        try (FileStorageEngine engine = Engines.open(data, 400, FsyncPolicy.NEVER)) {
            assertThat(engine.info(KEY).orElseThrow().nextOffset()).isEqualTo(30);
            assertThat(engine.read(KEY, sealedBase).text()).isEqualTo("r" + sealedBase);
        }
    }

    private static void damage(Path index, IndexDamage damage) throws IOException {
        long size = Files.size(index);
        switch (damage) {
            case TOO_LONG -> append(index, new byte[IndexEntry.SIZE * 3]);
            case TOO_SHORT -> truncate(index, size - IndexEntry.SIZE * 2);
            case TORN_ENTRY -> truncate(index, size - 5);
            case GARBAGE -> {
                byte[] junk = new byte[40];
                new Random(1).nextBytes(junk);
                try (FileChannel ch = FileChannel.open(index, StandardOpenOption.WRITE)) {
                    ch.write(ByteBuffer.wrap(junk), FileHeader.SIZE + IndexEntry.SIZE);
                }
            }
            case EMPTY -> truncate(index, 0);
            case MISSING -> Files.delete(index);
            case FOREIGN_HEADER -> {
                try (FileChannel ch = FileChannel.open(index, StandardOpenOption.WRITE)) {
                    ch.write(ByteBuffer.allocate(8).putLong(0, 999), 8);
                }
            }
        }
    }

    /** The store position of {@code offset}'s frame, from the (good) index of segment {@code base}. */
    private static long framePosition(Path data, long base, long offset) throws IOException {
        ByteBuffer entry = ByteBuffer.allocate(IndexEntry.SIZE);
        try (FileChannel ch = FileChannel.open(Engines.index(data, base))) {
            ch.read(entry, IndexEntry.positionOf(offset - base));
        }
        return entry.getLong(0);
    }

    static void truncate(Path file, long size) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.truncate(size);
        }
    }

    static void append(Path file, byte[] bytes) throws IOException {
        Files.write(file, bytes, StandardOpenOption.APPEND);
    }

    /** Copies a data directory to a fresh {@code target}. */
    static Path copy(Path source, Path target) throws IOException {
        if (Files.exists(target)) {
            try (Stream<Path> old = Files.walk(target)) {
                old.sorted(Comparator.reverseOrder()).forEach(p -> {
                    try {
                        Files.delete(p);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                });
            }
        }
        try (Stream<Path> all = Files.walk(source)) {
            for (Path p : all.toList()) {
                Path to = target.resolve(source.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(to);
                } else if (!p.getFileName().toString().equals(DataDirectory.LOCK_FILE)) {
                    Files.copy(p, to);
                }
            }
        }
        return target;
    }
}
