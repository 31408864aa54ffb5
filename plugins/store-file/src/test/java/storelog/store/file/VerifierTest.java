package storelog.store.file;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import storelog.api.Record;
import storelog.api.Settings;
import storelog.api.StorageFailedException;
import storelog.api.spi.VerificationReport;
import storelog.testkit.TestData;

class VerifierTest {

    private Path data;

    @BeforeEach
    void setUp(TestInfo test) {
        data = TestData.directory(test);
        try (FileStorageEngine engine = Engines.open(data, 400, FsyncPolicy.ALWAYS)) {
            Engines.appendTexts(engine, Engines.KEY, 0, 40);
            Engines.appendTexts(engine, storelog.api.PartitionKey.of("second"), 0, 3);
        }
    }

    @Test
    void cleanDataIsReportedCleanWithWhatWasChecked() {
        VerificationReport report = Verifier.verify(data, false);
        assertThat(report.isClean()).isTrue();
        assertThat(report.partitions()).isEqualTo(2);
        assertThat(report.records()).isEqualTo(43);
        assertThat(report.repairs()).isEmpty();
    }

    @Test
    void aTornTailIsNamedAndRepairTruncatesIt() throws Exception {
        Path active = Engines.storeFiles(data, Engines.KEY).getLast();
        long goodSize = Files.size(active);
        CrashShapesTest.append(active, new byte[] {0, 0, 0, 99, 1, 2, 3});

        VerificationReport found = Verifier.verify(data, false);
        assertThat(found.problems()).singleElement().satisfies(p -> {
            assertThat(p.file()).isEqualTo(active);
            assertThat(p.position()).isEqualTo(goodSize);
            assertThat(p.what()).contains("torn tail").contains("repairable");
        });
        assertThat(Files.size(active)).as("verify without --repair changes nothing").isEqualTo(goodSize + 7);

        VerificationReport repaired = Verifier.verify(data, true);
        assertThat(repaired.isClean()).isTrue();
        assertThat(repaired.repairs()).singleElement().asString().contains("truncated").contains(active.toString());
        assertThat(Files.size(active)).isEqualTo(goodSize);
        assertThat(Verifier.verify(data, false).isClean()).isTrue();
        try (FileStorageEngine engine = Engines.open(data, 400, FsyncPolicy.ALWAYS)) {
            assertThat(engine.read(Engines.KEY, 0, 100, Long.MAX_VALUE)).extracting(Record::text)
                    .containsExactlyElementsOf(FileStorageEngineTest.expectedTexts(0, 40));
        }
    }

    @Test
    void aBrokenIndexIsNamedAndRepairRebuildsIt() throws Exception {
        Path index = SegmentName.indexFile(Engines.partitionDir(data, Engines.KEY), 0);
        CrashShapesTest.truncate(index, Files.size(index) - 16);
        assertThat(Verifier.verify(data, false).problems()).singleElement().satisfies(p -> {
            assertThat(p.file()).isEqualTo(index);
            assertThat(p.what()).contains("index");
        });
        VerificationReport repaired = Verifier.verify(data, true);
        assertThat(repaired.isClean()).isTrue();
        assertThat(repaired.repairs()).singleElement().asString().contains("rebuilt").contains(index.toString());
    }

    @Test
    void missingRecordsInAClosedSegmentAreReportedAndNotRepaired() throws Exception {
        Path closed = Engines.storeFiles(data, Engines.KEY).get(0);
        CrashShapesTest.truncate(closed, Files.size(closed) - 3);
        VerificationReport report = Verifier.verify(data, true);
        assertThat(report.isClean()).isFalse();
        assertThat(report.problems()).anySatisfy(p -> {
            assertThat(p.file()).isEqualTo(closed);
            assertThat(p.what()).contains("missing");
        });
    }

    @Test
    void verifyRefusesADirectoryAnEngineHasOpen() {
        try (FileStorageEngine engine = Engines.open(data, 400, FsyncPolicy.ALWAYS)) {
            assertThatThrownBy(() -> Verifier.verify(data, false)).isInstanceOf(StorageFailedException.class)
                    .hasMessageContaining("in use");
        }
    }

    @Test
    void theProviderVerifiesTheConfiguredDirectory() {
        VerificationReport report = new FileStorageProvider().verify(Settings.of(java.util.Map.of("DATA_DIR", data.toString())), false);
        assertThat(report.isClean()).isTrue();
        assertThat(report.records()).isEqualTo(43);
        assertThat(data.resolve(DataDirectory.CLEAN_MARKER)).as("verify leaves the clean marker").exists();
    }

    @Test
    void theDumpShowsEveryRecordAndEntryWithItsChecks() throws Exception {
        Path first = Engines.storeFiles(data, Engines.KEY).get(0);
        StringBuilder store = new StringBuilder();
        new FileStorageProvider().dump(first, store);
        List<String> lines = store.toString().lines().toList();
        assertThat(lines.get(0)).startsWith("# segment_0.store: store, base offset 0").endsWith("header ok");
        assertThat(lines.get(1)).isEqualTo("offset=0 position=16 type=string size=2 crc=ok timestamp=1764230400000 payload=r0");
        assertThat(lines.get(2)).startsWith("offset=1 position=43 type=string size=2 crc=ok");

        StringBuilder index = new StringBuilder();
        new FileStorageProvider().dump(SegmentName.indexFile(first.getParent(), 0), index);
        assertThat(index.toString().lines()).element(1).isEqualTo("offset=0 position=16 length=27 crc=ok");

        Engines.flipBit(first, 16 + Frame.HEADER_SIZE);
        StringBuilder damaged = new StringBuilder();
        new FileStorageProvider().dump(first, damaged);
        assertThat(damaged.toString().lines()).element(1).asString().contains("crc=BAD(CRC-32C mismatch)");
        assertThatThrownBy(() -> new FileStorageProvider().dump(data.resolve(".lock"), new StringBuilder()))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
