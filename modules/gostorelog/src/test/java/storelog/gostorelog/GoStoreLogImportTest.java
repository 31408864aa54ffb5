package storelog.gostorelog;

import static org.assertj.core.api.Assertions.assertThat;
import static storelog.gostorelog.GoStoreLogReaderTest.offsets;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import storelog.api.DataType;
import storelog.api.PartitionInfo;
import storelog.api.PartitionKey;
import storelog.api.Record;
import storelog.api.spi.StorageEngine;
import storelog.testkit.GoStoreLogWriter.Frame;
import storelog.gostorelog.ImportReport.Outcome;
import storelog.gostorelog.ImportReport.PartitionResult;
import storelog.testkit.GoStoreLogWriter;
import storelog.testkit.TestData;

class GoStoreLogImportTest {

    static final Instant NOW = Instant.parse("2026-11-27T08:00:00Z");

    private Path source;
    private Path target;
    private GoStoreLogWriter writer;
    private final GoStoreLogImport importer = new GoStoreLogImport(Clock.fixed(NOW, ZoneOffset.UTC), 50, 4096);

    @BeforeEach
    void setUp(TestInfo test) {
        Path dir = TestData.directory(test);
        source = dir.resolve("gostorelog");
        target = dir.resolve("storelog");
        writer = new GoStoreLogWriter(source, 2000);
    }

    @Test
    void everyRecordKeepsItsOffsetTypeAndPayloadAcrossSegmentsAndARestart() throws IOException {
        Map<String, List<Frame>> written = new LinkedHashMap<>();
        written.put("orders", Fixtures.mixed("orders", 300, 1));
        written.put("Users-Ä", Fixtures.mixed("users", 120, 2));
        written.put("tiny", List.of(Frame.string("only one")));
        written.forEach(writer::write);
        assertThat(GoStoreLogDirectory.open(source).partitions()).filteredOn(p -> !p.name().equals("tiny"))
                .allSatisfy(p -> assertThat(p.segments()).as("several segments").hasSizeGreaterThan(3));

        ImportReport report;
        try (StorageEngine engine = Fixtures.openEngine(target)) {
            report = importer.importInto(source, engine, p -> { });
            assertThat(report.isComplete()).as(report.toString()).isTrue();
            assertSameRecords(engine, written);
        }
        try (StorageEngine reopened = Fixtures.openEngine(target)) {
            assertSameRecords(reopened, written);
        }
        assertThat(report.records()).isEqualTo(421);
        assertThat(report.bytes()).isEqualTo(written.values().stream().flatMap(List::stream)
                .mapToLong(f -> f.payload().length).sum());
        assertThat(report.with(Outcome.IMPORTED)).extracting(PartitionResult::directory)
                .containsExactly("Users-Ä", "orders", "tiny");
    }

    @Test
    void theGapsPartitionBecomesTheInternalGapsPartition() throws IOException {
        List<Frame> gaps = List.of(Frame.json("{\"partition\":\"orders\",\"from\":10,\"to\":12}"), Frame.json("{\"n\":2}"));
        writer.write("gaps", gaps);
        writer.write("orders", List.of(Frame.string("o")));

        try (StorageEngine engine = Fixtures.openEngine(target)) {
            ImportReport report = importer.importInto(source, engine, p -> { });

            assertThat(report.partitions()).extracting(PartitionResult::partition)
                    .containsExactly(PartitionKey.of("__gaps"), PartitionKey.of("orders"));
            assertThat(engine.partitions()).extracting(PartitionInfo::partition)
                    .containsExactly(PartitionKey.of("__gaps"), PartitionKey.of("orders"));
            assertThat(engine.info(PartitionKey.of("gaps"))).isEmpty();
            assertThat(engine.read(GoStoreLogImport.GAPS_PARTITION, 0).text()).isEqualTo(Fixtures.utf8(gaps.get(0).payload()));
        }
    }

    @Test
    void everyImportedRecordGetsTheImportTimeAsItsTimestamp() throws IOException {
        writer.write("a", Fixtures.mixed("a", 30, 3));
        writer.write("b", Fixtures.mixed("b", 5, 4));

        try (StorageEngine engine = Fixtures.openEngine(target)) {
            ImportReport report = importer.importInto(source, engine, p -> { });

            assertThat(report.timestamp()).isEqualTo(NOW.toEpochMilli());
            for (String key : List.of("a", "b")) {
                assertThat(engine.read(PartitionKey.of(key), 0, 1000, Long.MAX_VALUE)).extracting(Record::timestamp)
                        .containsOnly(NOW.toEpochMilli());
            }
        }
    }

    @Test
    void appendsAreBatchesWithinTheLimitsAtConsecutiveOffsets() throws IOException {
        List<Frame> frames = new ArrayList<>(Fixtures.mixed("a", 220, 5));
        frames.add(100, Frame.bytes(new byte[10_000])); // larger than the byte limit: goes alone
        writer.write("a", frames);

        try (RecordingEngine engine = new RecordingEngine(Fixtures.openEngine(target))) {
            importer.importInto(source, engine, p -> { });

            List<RecordingEngine.Append> appends = engine.appends();
            assertThat(appends).allSatisfy(a -> {
                assertThat(a.records()).isBetween(1, 50);
                assertThat(a.payloadBytes() <= 4096 || a.records() == 1).as("over the byte limit only alone: " + a).isTrue();
            });
            assertThat(appends).anySatisfy(a -> assertThat(a.payloadBytes()).isEqualTo(10_000));
            long next = 0;
            for (RecordingEngine.Append a : appends) {
                assertThat(a.expectedOffset()).isEqualTo(next);
                next += a.records();
            }
            assertThat(next).isEqualTo(221);
            assertThat(appends.size()).isGreaterThan(221 / 50);
        }
    }

    @Test
    void progressIsReportedAfterEveryBatchAndOnceWhenEachPartitionIsDone() throws IOException {
        writer.write("a", Fixtures.mixed("a", 120, 6));
        writer.write("b", Fixtures.mixed("b", 7, 7));
        writer.write("c", 5, Fixtures.mixed("c", 3, 8)); // skipped: does not start at 0
        List<ImportProgress> calls = new ArrayList<>();

        try (StorageEngine engine = Fixtures.openEngine(target)) {
            importer.importInto(source, engine, calls::add);
        }

        assertThat(calls).filteredOn(ImportProgress::partitionDone).extracting(ImportProgress::directory)
                .containsExactly("a", "b", "c");
        assertThat(calls).filteredOn(p -> p.directory().equals("a") && !p.partitionDone())
                .extracting(ImportProgress::partitionRecords).containsExactly(50L, 100L, 120L);
        assertThat(calls).extracting(ImportProgress::recordsTotal).containsOnly(130L);
        assertThat(calls).extracting(ImportProgress::recordsDone).isSorted();
        assertThat(calls).extracting(ImportProgress::bytesDone).isSorted();
        ImportProgress last = calls.getLast();
        assertThat(last.recordsDone()).isEqualTo(127);
        assertThat(last.bytesDone()).isLessThan(last.bytesTotal()).isPositive();
        assertThat(last.toString()).contains("c: 0 records, done").contains("127/130 records");
    }

    /** Every written record is in the engine at its offset with its type and payload; nothing more. */
    private static void assertSameRecords(StorageEngine engine, Map<String, List<Frame>> written) {
        assertThat(engine.partitions()).hasSize(written.size());
        written.forEach((name, frames) -> {
            PartitionKey key = PartitionKey.of(name);
            assertThat(engine.info(key)).get().extracting(PartitionInfo::nextOffset).isEqualTo((long) frames.size());
            List<Record> records = engine.read(key, 0, 10_000, Long.MAX_VALUE);
            assertThat(records).extracting(Record::offset).containsExactlyElementsOf(offsets(0, frames.size()));
            for (int i = 0; i < frames.size(); i++) {
                assertThat(records.get(i).type()).isEqualTo(DataType.fromCode(frames.get(i).type()));
                assertThat(records.get(i).payload()).as("%s@%d", name, i).isEqualTo(frames.get(i).payload());
                assertThat(engine.read(key, i).payload()).isEqualTo(frames.get(i).payload());
            }
        });
    }
}
