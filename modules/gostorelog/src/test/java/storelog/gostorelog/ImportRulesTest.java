package storelog.gostorelog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static storelog.gostorelog.GoStoreLogReaderTest.offsets;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import storelog.api.InvalidPartitionKeyException;
import storelog.api.NewRecord;
import storelog.api.PartitionInfo;
import storelog.api.PartitionKey;
import storelog.api.Record;
import storelog.api.StorageFullException;
import storelog.api.spi.StorageEngine;
import storelog.testkit.GoStoreLogWriter.Frame;
import storelog.testkit.GoStoreLogWriter.Written;
import storelog.gostorelog.ImportReport.Outcome;
import storelog.gostorelog.ImportReport.PartitionResult;
import storelog.testkit.GoStoreLogWriter;
import storelog.testkit.TestData;

/** What the import does with damaged data, invalid payloads, unusable names and non-empty targets. */
class ImportRulesTest {

    private Path source;
    private Path target;
    private GoStoreLogWriter writer;
    private final GoStoreLogImport importer =
            new GoStoreLogImport(Clock.fixed(GoStoreLogImportTest.NOW, ZoneOffset.UTC), 10, 1 << 20);

    @BeforeEach
    void setUp(TestInfo test) {
        Path dir = TestData.directory(test);
        source = dir.resolve("gostorelog");
        target = dir.resolve("storelog");
        writer = new GoStoreLogWriter(source, 500);
        writer.write("healthy", Fixtures.mixed("healthy", 30, 99));
    }

    @Test
    void anInvalidJsonPayloadFailsItsPartitionKeepingTheRecordsBeforeItAndOthersStillImport() throws IOException {
        List<Frame> frames = new ArrayList<>(Fixtures.mixed("bad", 40, 1));
        frames.set(25, Frame.json("{\"unterminated\": [1, 2"));
        Written bad = writer.write("bad", frames).get(25);

        try (StorageEngine engine = Fixtures.openEngine(target)) {
            ImportReport report = importer.importInto(source, engine, p -> { });

            PartitionResult failed = result(report, "bad");
            assertThat(failed.outcome()).isEqualTo(Outcome.FAILED);
            assertThat(failed.records()).isEqualTo(25);
            assertThat(failed.reason()).contains(bad.store().toString()).contains("@" + bad.position())
                    .contains("offset 25").contains("not valid for data_type 0 (json)");
            assertThat(engine.info(PartitionKey.of("bad"))).get().extracting(PartitionInfo::nextOffset).isEqualTo(25L);
            assertThat(engine.read(PartitionKey.of("bad"), 0, 100, Long.MAX_VALUE)).extracting(Record::offset)
                    .containsExactlyElementsOf(offsets(0, 25));
            assertThat(result(report, "healthy").outcome()).isEqualTo(Outcome.IMPORTED);
            assertThat(engine.info(PartitionKey.of("healthy"))).get().extracting(PartitionInfo::nextOffset).isEqualTo(30L);
            assertThat(report.isComplete()).isFalse();
            assertThat(report.toString()).contains("1 partitions imported, 0 skipped, 1 failed");
        }
    }

    @Test
    void invalidUtf8InAStringRecordFailsItsPartitionAtThatRecord() throws IOException {
        writer.write("text", List.of(Frame.string("fine"), new Frame(2, new byte[] {'a', (byte) 0xC3})));

        try (StorageEngine engine = Fixtures.openEngine(target)) {
            PartitionResult text = result(importer.importInto(source, engine, p -> { }), "text");

            assertThat(text.outcome()).isEqualTo(Outcome.FAILED);
            assertThat(text.records()).isEqualTo(1);
            assertThat(text.reason()).contains("offset 1").contains("data_type 2 (string)");
        }
    }

    @Test
    void aDamagedPartitionFailsNamingTheFileAndKeepsTheRecordsBeforeTheDamage() throws IOException {
        List<Written> written = writer.write("truncated", Fixtures.mixed("truncated", 30, 2));
        Written last = written.getLast();
        Fixtures.truncate(last.store(), last.position() + 7);
        Written typed = writer.write("badtype", Fixtures.mixed("badtype", 30, 3)).get(12);
        Fixtures.overwrite(typed.store(), typed.position() + 4, (byte) 3);
        Written pointer = writer.write("pointer", Fixtures.mixed("pointer", 30, 4)).get(3);
        Fixtures.overwriteLong(pointer.index(), pointer.indexPosition() + 8, 1L << 40);
        Written jump = writer.write("jump", Fixtures.mixed("jump", 30, 5)).get(20);
        Fixtures.overwriteLong(jump.index(), jump.indexPosition(), 21);

        try (StorageEngine engine = Fixtures.openEngine(target)) {
            ImportReport report = importer.importInto(source, engine, p -> { });

            assertFailedAt(report, engine, "truncated", 29, last.store(), "runs past the end");
            assertFailedAt(report, engine, "badtype", 12, typed.store(), "unknown data type byte 3");
            assertFailedAt(report, engine, "pointer", 3, pointer.index(), "past the end of");
            assertFailedAt(report, engine, "jump", 20, jump.index(), "offset 21 where offset 20 was expected");
            assertThat(result(report, "healthy").outcome()).isEqualTo(Outcome.IMPORTED);
        }
    }

    @Test
    void aPartitionThatAlreadyHasRecordsInTheTargetIsRefusedAndLeftUnchanged() throws IOException {
        writer.write("orders", Fixtures.mixed("orders", 5, 6));
        try (StorageEngine engine = Fixtures.openEngine(target)) {
            engine.append(PartitionKey.of("orders"), List.of(NewRecord.string("already here", 1)));

            ImportReport report = importer.importInto(source, engine, p -> { });

            PartitionResult orders = result(report, "orders");
            assertThat(orders.outcome()).isEqualTo(Outcome.SKIPPED);
            assertThat(orders.records()).isZero();
            assertThat(orders.reason()).contains("already holds records (next offset 1)");
            assertThat(engine.read(PartitionKey.of("orders"), 0, 100, Long.MAX_VALUE)).singleElement()
                    .extracting(Record::text).isEqualTo("already here");
            assertThat(result(report, "healthy").outcome()).isEqualTo(Outcome.IMPORTED);
        }
    }

    @Test
    void importingTwiceRefusesEveryPartitionTheSecondTime() throws IOException {
        try (StorageEngine engine = Fixtures.openEngine(target)) {
            assertThat(importer.importInto(source, engine, p -> { }).isComplete()).isTrue();
            ImportReport again = importer.importInto(source, engine, p -> { });

            assertThat(again.partitions()).extracting(PartitionResult::outcome).containsOnly(Outcome.SKIPPED);
            assertThat(engine.info(PartitionKey.of("healthy"))).get().extracting(PartitionInfo::nextOffset).isEqualTo(30L);
        }
    }

    @Test
    void aPartitionThatDoesNotStartAtOffsetZeroIsSkippedNotRenumbered() throws IOException {
        writer.write("trimmed", 500, Fixtures.mixed("trimmed", 10, 7));

        try (StorageEngine engine = Fixtures.openEngine(target)) {
            PartitionResult trimmed = result(importer.importInto(source, engine, p -> { }), "trimmed");

            assertThat(trimmed.outcome()).isEqualTo(Outcome.SKIPPED);
            assertThat(trimmed.reason()).contains("starts at offset 500").contains("segment_500.index");
            assertThat(engine.info(PartitionKey.of("trimmed"))).isEmpty();
        }
    }

    @Test
    void directoriesWhoseNamesAreNotUsableKeysOrHoldNoRecordsAreSkippedAndTheImportGoesOn() throws IOException {
        Files.createDirectories(source.resolve("empty"));
        writer.write("__internal", List.of(Frame.string("x")));
        writer.write("nothing", List.of()); // one segment with empty files

        try (StorageEngine engine = Fixtures.openEngine(target)) {
            ImportReport report = importer.importInto(source, engine, p -> { });

            assertThat(result(report, "empty").reason()).contains("no segment files");
            assertThat(result(report, "nothing").reason()).contains("hold no records");
            assertThat(result(report, "__internal").reason()).contains("not a valid StoreLog partition key")
                    .contains("reserves");
            assertThat(report.with(Outcome.SKIPPED)).hasSize(3).allSatisfy(r -> assertThat(r.records()).isZero());
            assertThat(result(report, "__internal").partition()).isNull();
            assertThat(engine.partitions()).extracting(PartitionInfo::partition).containsExactly(PartitionKey.of("healthy"));
        }
    }

    @Test
    void directoryNamesMapToKeysAsTheyAreExceptGapsAndNamesThatAreNotKeys() {
        assertThat(GoStoreLogImport.partitionKeyFor("gaps")).isEqualTo(PartitionKey.of("__gaps"));
        assertThat(GoStoreLogImport.partitionKeyFor("Orders.EU 😀")).isEqualTo(PartitionKey.of("Orders.EU 😀"));
        assertThatThrownBy(() -> GoStoreLogImport.partitionKeyFor("k".repeat(300)))
                .isInstanceOf(InvalidPartitionKeyException.class).hasMessageContaining("300 bytes");
        assertThatThrownBy(() -> GoStoreLogImport.partitionKeyFor("__gaps"))
                .isInstanceOf(InvalidPartitionKeyException.class).hasMessageContaining("reserves");
    }

    @Test
    void aDirectoryNameThatIsNotUtf8IsSkippedNotImportedUnderAMangledKey() throws Exception {
        writer.write("tmp", List.of(Frame.string("x")));
        Process mv = new ProcessBuilder("sh", "-c", "mv tmp \"$(printf 'bad\\377name')\"")
                .directory(source.toFile()).inheritIO().start();
        Assumptions.assumeTrue(mv.waitFor() == 0, "sh could not create a non-UTF-8 directory name");

        try (StorageEngine engine = Fixtures.openEngine(target)) {
            ImportReport report = importer.importInto(source, engine, p -> { });

            PartitionResult bad = report.partitions().stream().filter(r -> r.directory().startsWith("bad"))
                    .findFirst().orElseThrow();
            assertThat(bad.outcome()).isEqualTo(Outcome.SKIPPED);
            assertThat(bad.reason()).contains("file name encoding");
            assertThat(engine.partitions()).extracting(PartitionInfo::partition).containsExactly(PartitionKey.of("healthy"));
        }
    }

    @Test
    void aStorageErrorFailsThePartitionAfterTheBatchesBeforeItAndTheImportGoesOn() throws IOException {
        writer.write("full", Fixtures.mixed("full", 35, 8));

        try (RecordingEngine engine = new RecordingEngine(Fixtures.openEngine(target))) {
            engine.failAppend(PartitionKey.of("full"), 3, new StorageFullException("disk full", null));
            ImportReport report = importer.importInto(source, engine, p -> { });

            PartitionResult full = result(report, "full");
            assertThat(full.outcome()).isEqualTo(Outcome.FAILED);
            assertThat(full.records()).isEqualTo(20);
            assertThat(full.reason()).contains("from offset 20").contains("storage_full").contains("disk full");
            assertThat(engine.info(PartitionKey.of("full"))).get().extracting(PartitionInfo::nextOffset).isEqualTo(20L);
            assertThat(result(report, "healthy").outcome()).isEqualTo(Outcome.IMPORTED);
        }
    }

    private static void assertFailedAt(ImportReport report, StorageEngine engine, String name, long goodRecords,
                                       Path file, String what) {
        PartitionResult r = result(report, name);
        assertThat(r.outcome()).as(name).isEqualTo(Outcome.FAILED);
        assertThat(r.records()).as(name).isEqualTo(goodRecords);
        assertThat(r.reason()).as(name).contains(file.toString()).contains(what);
        assertThat(engine.info(PartitionKey.of(name)).map(PartitionInfo::nextOffset).orElse(0L)).as(name)
                .isEqualTo(goodRecords);
    }

    private static PartitionResult result(ImportReport report, String directory) {
        Map<String, PartitionResult> byName = report.partitions().stream()
                .collect(Collectors.toMap(PartitionResult::directory, Function.identity()));
        assertThat(byName).containsKey(directory);
        return byName.get(directory);
    }
}
