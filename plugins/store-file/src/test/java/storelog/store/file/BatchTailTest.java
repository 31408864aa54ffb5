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
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import storelog.api.CorruptRecordException;
import storelog.api.Record;
import storelog.api.spi.VerificationReport;
import storelog.testkit.TestData;

/**
 * A batch is all or nothing, also across a crash: the shapes a crash leaves at the end of a batch,
 * made by hand on a copy of good data, and what recovery, {@code verify} and a truncation make of them.
 * The good data: "a0" alone (offset 0), the batch b0-b2 (1-3), the batch c0-c4 (4-8); every frame is
 * 27 bytes, so record {@code o} starts at byte {@code 16 + 27 o}.
 */
class BatchTailTest {

    private static final int FRAME = Frame.length(2);
    private static final long END = position(9);

    private Path dir;
    private Path good;

    @BeforeEach
    void writeGoodData(TestInfo test) {
        dir = TestData.directory(test);
        good = dir.resolve("good");
        try (FileStorageEngine engine = Engines.open(good)) {
            engine.append(KEY, List.of(text("a0")));
            engine.append(KEY, List.of(text("b0"), text("b1"), text("b2")));
            engine.append(KEY, List.of(text("c0"), text("c1"), text("c2"), text("c3"), text("c4")));
        }
    }

    private static long position(long offset) {
        return FileHeader.SIZE + FRAME * offset;
    }

    /** A copy of the good data; after a crash (no clean-shutdown marker) when {@code crashed}. */
    private Path copy(String name, boolean crashed) throws IOException {
        Path copy = dir.resolve(name);
        try (Stream<Path> all = Files.walk(good)) {
            for (Path p : all.toList()) {
                Files.copy(p, copy.resolve(good.relativize(p).toString()));
            }
        }
        if (crashed) {
            Files.delete(copy.resolve(DataDirectory.CLEAN_MARKER));
        }
        return copy;
    }

    private static void truncate(Path file, long size) {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.truncate(size);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void flipByte(Path file, long position) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ByteBuffer b = ByteBuffer.allocate(1);
            ch.read(b, position);
            ch.write(ByteBuffer.wrap(new byte[] {(byte) (b.get(0) ^ 0x5A)}), position);
        }
    }

    private static void assertLogIs(FileStorageEngine engine, String as, String... texts) {
        assertThat(engine.info(KEY).orElseThrow().nextOffset()).as(as).isEqualTo(texts.length);
        assertThat(engine.read(KEY, 0, 100, Long.MAX_VALUE)).as(as).extracting(Record::text).containsExactly(texts);
        assertThat(engine.append(KEY, List.of(text("next")))).as(as).isEqualTo(texts.length);
    }

    /** The store cut at every byte after the batch's first frame: whole frames missing, or the last one torn. */
    @Test
    void aCrashThatCutABatchShortRemovesAllOfItAndKeepsTheBatchesBefore() throws IOException {
        for (long cut = position(5); cut < END; cut++) {
            Path copy = copy("cut-" + cut, true);
            truncate(Engines.store(copy, 0), cut);
            try (FileStorageEngine engine = Engines.open(copy)) {
                assertLogIs(engine, "cut at byte " + cut, "a0", "b0", "b1", "b2");
            }
            assertThat(Files.size(Engines.store(copy, 0))).isEqualTo(position(4) + Frame.length("next".length())); // without the batch, with "next"
        }
    }

    @Test
    void aCleanStopWhoseFilesEndInsideABatchLosesTheBatchToo() throws IOException {
        Path copy = copy("clean", false);
        truncate(Engines.store(copy, 0), position(7));
        truncate(Engines.index(copy, 0), IndexEntry.positionOf(7)); // the files agree: only the batch flag tells
        try (FileStorageEngine engine = Engines.open(copy)) {
            assertLogIs(engine, "a clean stop inside the batch c", "a0", "b0", "b1", "b2");
        }
    }

    @Test
    void aDamagedRecordInsideACompleteBatchIsOnlyThatRecordsDamage() throws IOException {
        Path copy = copy("damaged", true);
        flipByte(Engines.store(copy, 0), position(6) + Frame.HEADER_SIZE); // c2's payload
        try (FileStorageEngine engine = Engines.open(copy)) {
            assertThat(engine.info(KEY).orElseThrow().nextOffset()).isEqualTo(9);
            assertThatThrownBy(() -> engine.read(KEY, 6)).isInstanceOf(CorruptRecordException.class);
            for (long o : new long[] {4, 5, 7, 8}) {
                assertThat(engine.read(KEY, o).text()).isEqualTo("c" + (o - 4));
            }
        }
    }

    /** A damaged frame stops the cut: its flag is unknown, it may end an acknowledged batch. */
    @Test
    void anIncompleteBatchAfterADamagedRecordGoesButTheDamagedRecordKeepsItsOffset() throws IOException {
        Path copy = copy("damaged-then-cut", true);
        truncate(Engines.store(copy, 0), position(8));
        flipByte(Engines.store(copy, 0), position(5) + Frame.HEADER_SIZE); // c1
        try (FileStorageEngine engine = Engines.open(copy)) {
            assertThat(engine.info(KEY).orElseThrow().nextOffset()).isEqualTo(6);
            assertThat(engine.read(KEY, 4).text()).isEqualTo("c0");
            assertThatThrownBy(() -> engine.read(KEY, 5)).isInstanceOf(CorruptRecordException.class);
        }
    }

    /** Under {@code interval|never} a crash cuts the log at a damaged record: the rest of its batch goes with it. */
    @ParameterizedTest
    @ValueSource(strings = {"interval:1000", "never"})
    void aCutAtDamageAfterACrashTakesTheWholeBatch(String fsync) throws IOException {
        Path copy = copy("damaged", true);
        CrashShapesTest.crashedUnderNever(copy); // a crash of a run under interval|never: its bytes may never have been forced
        flipByte(Engines.store(copy, 0), position(6) + Frame.HEADER_SIZE); // c2
        try (FileStorageEngine engine = Engines.open(copy, 1 << 20, FsyncPolicy.parse(fsync))) {
            assertLogIs(engine, "damage in c2 under " + fsync, "a0", "b0", "b1", "b2");
        }
    }

    @Test
    void verifyReportsAnIncompleteBatchAsATornTailAndRepairCutsIt() throws IOException {
        Path copy = copy("verify", true);
        truncate(Engines.store(copy, 0), position(7) + 3);
        VerificationReport report = Verifier.verify(copy, false);
        assertThat(report.problems()).hasSize(2).anySatisfy(p -> { // the torn tail, and the index listing the cut records
            assertThat(p.offset()).isEqualTo(4);
            assertThat(p.position()).isEqualTo(position(4));
            assertThat(p.what()).startsWith("torn tail: ").contains("an incomplete batch (records 4 to 6");
        });
        assertThat(Verifier.verify(copy, true).repairs()).hasSize(2); // the tail cut, the index rebuilt
        assertThat(Files.size(Engines.store(copy, 0))).isEqualTo(position(4));
        assertThat(Verifier.verify(copy, false).problems()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void aTruncationInsideABatchKeepsTheRecordsBeforeTheCut(boolean crashed) throws IOException {
        Path copy = copy("truncated", false);
        try (FileStorageEngine engine = Engines.open(copy)) {
            engine.truncate(KEY, 6);
        }
        if (crashed) {
            Files.delete(copy.resolve(DataDirectory.CLEAN_MARKER));
        }
        try (FileStorageEngine engine = Engines.open(copy)) {
            assertLogIs(engine, "truncated at 6" + (crashed ? ", then a crash" : ""), "a0", "b0", "b1", "b2", "c0", "c1");
        }
        assertThat(Verifier.verify(copy, false).problems()).isEmpty();
    }

    @Test
    void theDumpShowsWhichRecordsHaveMoreOfTheirBatchToFollow() throws IOException {
        StringBuilder out = new StringBuilder();
        SegmentDump.dump(Engines.store(good, 0), out);
        List<String> lines = out.toString().lines().skip(1).toList();
        assertThat(lines).hasSize(9);
        for (int o = 0; o < 9; o++) {
            boolean more = o == 1 || o == 2 || (o >= 4 && o <= 7);
            assertThat(lines.get(o)).as("offset %d", o).startsWith("offset=" + o + " ")
                    .contains(more ? "type=string batch+ size=2" : "type=string size=2");
        }
    }
}
