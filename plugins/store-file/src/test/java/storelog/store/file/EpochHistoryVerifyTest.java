package storelog.store.file;

import static org.assertj.core.api.Assertions.assertThat;
import static storelog.store.file.Engines.KEY;
import static storelog.store.file.Engines.text;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import storelog.api.EpochStart;
import storelog.api.spi.VerificationReport;
import storelog.testkit.TestData;

/** {@code verify} and {@code verify --repair} on the leader-epoch history: found, named, never invented. */
class EpochHistoryVerifyTest {

    private Path data;
    private Path file;

    /** Epoch 1 holds records 0..4, epoch 3 records 5..9. */
    @BeforeEach
    void setUp(TestInfo test) {
        data = TestData.directory(test);
        try (FileStorageEngine engine = Engines.open(data, 200, FsyncPolicy.ALWAYS)) {
            for (int i = 0; i < 10; i++) {
                long epoch = i < 5 ? 1 : 3;
                engine.append(KEY, epoch, List.of(text("e" + epoch + "-" + i)));
            }
        }
        file = EpochHistoryFile.in(Engines.partitionDir(data, KEY));
        Engines.dumpBeside(data);
    }

    @Test
    void aGoodHistoryIsClean() {
        VerificationReport report = Verifier.verify(data, false);
        assertThat(report.problems()).isEmpty();
        assertThat(report.records()).isEqualTo(10);
    }

    @Test
    void aMissingHistoryIsNoProblem() throws Exception {
        Files.delete(file);
        assertThat(Verifier.verify(data, false).problems()).isEmpty();
    }

    @Test
    void aDamagedHistoryIsNamedAndNeverRepaired() throws Exception {
        byte[] damaged = Files.readAllBytes(file);
        damaged[damaged.length - 1] ^= 1;
        Files.write(file, damaged);

        VerificationReport found = Verifier.verify(data, false);
        assertThat(found.problems()).singleElement().satisfies(p -> {
            assertThat(p.file()).isEqualTo(file);
            assertThat(p.what()).contains("leader-epoch history").contains("CRC-32C mismatch").contains("cannot be rebuilt")
                    .doesNotContain("repairable");
        });

        VerificationReport repaired = Verifier.verify(data, true);
        assertThat(repaired.repairs()).isEmpty();
        assertThat(repaired.problems()).singleElement().satisfies(p -> assertThat(p.file()).isEqualTo(file));
        assertThat(Files.readAllBytes(file)).as("no epoch is invented").isEqualTo(damaged);
    }

    @Test
    void aHistoryThatBreaksTheRulesIsDamageToo() throws Exception {
        Files.write(file, EpochHistoryFile.encode(List.of(new EpochStart(3, 0), new EpochStart(1, 5))));
        assertThat(Verifier.verify(data, false).problems()).singleElement()
                .satisfies(p -> assertThat(p.what()).contains("entry 1 (epoch 1, offset 5) does not follow"));
    }

    @Test
    void anEpochStartingAfterTheLastRecordIsNamedAndRepairRemovesIt() throws Exception {
        EpochHistoryFile.write(Disk.LOCAL, file.getParent(),
                List.of(new EpochStart(1, 0), new EpochStart(3, 5), new EpochStart(4, 12), new EpochStart(6, 14)));

        assertThat(Verifier.verify(data, false).problems()).singleElement().satisfies(p -> {
            assertThat(p.file()).isEqualTo(file);
            assertThat(p.offset()).isEqualTo(12);
            assertThat(p.what()).contains("epoch 4 starts at offset 12, after the partition's last record (next offset 10)")
                    .contains("repairable");
        });
        VerificationReport repaired = Verifier.verify(data, true);
        assertThat(repaired.problems()).isEmpty();
        assertThat(repaired.repairs()).singleElement().asString().contains("removed the leader epochs").contains(file.toString());
        assertThat(EpochChecks.onDisk(file.getParent())).containsExactly(new EpochStart(1, 0), new EpochStart(3, 5));
        assertThat(Verifier.verify(data, false).problems()).isEmpty();
    }

    @Test
    void anEpochStartingAtTheEndIsNoProblem() throws Exception {
        EpochHistoryFile.write(Disk.LOCAL, file.getParent(), List.of(new EpochStart(1, 0), new EpochStart(3, 5), new EpochStart(4, 10)));
        assertThat(Verifier.verify(data, false).problems()).isEmpty();
    }

    @Test
    void theEndOfTheRecordsIsWhereTheIntactFramesEnd() throws Exception {
        Files.delete(data.resolve(DataDirectory.CLEAN_MARKER));
        EpochHistoryFile.write(Disk.LOCAL, file.getParent(), List.of(new EpochStart(1, 0), new EpochStart(3, 5), new EpochStart(8, 11)));
        CrashShapesTest.append(Engines.storeFiles(data, KEY).getLast(), new byte[] {0, 0, 0, 99, 1, 2, 3}); // record 10 cut short

        VerificationReport repaired = Verifier.verify(data, true);
        assertThat(repaired.problems()).isEmpty();
        assertThat(repaired.repairs()).hasSize(2).anySatisfy(r -> assertThat(r).contains("truncated"))
                .anySatisfy(r -> assertThat(r).contains("removed the leader epochs [EpochStart[epoch=8, startOffset=11]]"));
        assertThat(EpochChecks.onDisk(file.getParent())).containsExactly(new EpochStart(1, 0), new EpochStart(3, 5));
    }

    @Test
    void aLeftoverTemporaryHistoryIsRepairable() throws Exception {
        Path leftover = file.resolveSibling(EpochHistoryFile.TEMPORARY_NAME);
        Files.write(leftover, new byte[] {1, 2, 3});
        assertThat(Verifier.verify(data, false).problems()).singleElement()
                .satisfies(p -> assertThat(p.what()).contains("leftover").contains("repairable"));
        assertThat(Verifier.verify(data, true).repairs()).singleElement().asString().contains("removed");
        assertThat(leftover).doesNotExist();
    }
}
