package storelog.store.file;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import storelog.api.CorruptRecordException;
import storelog.api.PartitionKey;
import storelog.testkit.TestData;

/**
 * A partition written only under {@code FSYNC=always}, then left awaiting its crash recovery through a
 * run under {@code interval} that never touched it (closed cleanly naming it in its marker, or stopped
 * uncleanly itself). Every record of it was forced before its acknowledgement: a flipped bit later is
 * damage, not a torn write, whatever runs came in between. The {@code .unforced-rolls} that
 * intermediate run left says nothing about this partition.
 */
class AlwaysPartitionAfterUntouchingIntervalRunTest {

    private static final PartitionKey KEY = PartitionKey.of("acked");
    private static final PartitionKey OTHER = PartitionKey.of("other");
    private static final int RECORDS = 10;

    @RegisterExtension
    final QuietLogs quiet = new QuietLogs("storelog.store.file");

    private Path dir;

    @BeforeEach
    void setUp(TestInfo test) {
        dir = TestData.directory(test);
    }

    @ParameterizedTest
    @CsvSource({"1048576", "100"}) // one active segment; one record per segment (the damage in a sealed one)
    void damageIsNotCutAfterAnIntervalRunThatClosedCleanlyWithoutTouchingIt(long maxFileSize) throws IOException {
        check(maxFileSize, false);
    }

    /**
     * The same when the intermediate run stopped uncleanly too. Not fixed: {@code .unforced-rolls} is one
     * record for the whole directory, and after that run's crash nothing tells the partitions it wrote
     * under {@code interval} from those it never touched (that needs state per partition).
     */
    @Disabled("residual: needs per-partition record of unforced writes; fails on main and on review12")
    @ParameterizedTest
    @CsvSource({"1048576", "100"})
    void damageIsNotCutAfterAnIntervalRunThatCrashedWithoutTouchingIt(long maxFileSize) throws IOException {
        check(maxFileSize, true);
    }

    private void check(long maxFileSize, boolean middleCrashed) throws IOException {
        Path data = dir.resolve(maxFileSize + "-" + middleCrashed);
        try (FileStorageEngine engine = Engines.open(data, maxFileSize, FsyncPolicy.ALWAYS)) {
            Engines.appendTexts(engine, KEY, 0, RECORDS); // each acknowledged: forced
        }
        Files.delete(data.resolve(DataDirectory.CLEAN_MARKER)); // as a kill -9 after the last acknowledgement leaves it

        // a run under interval, KEY not used (its background recovery never got to it); another partition written
        try (FileStorageEngine engine = FileStorageEngine.open(
                Engines.config(data, maxFileSize, new FsyncPolicy(FsyncPolicy.Mode.INTERVAL, 50)), Disk.LOCAL, false)) {
            Engines.appendTexts(engine, OTHER, 0, 3);
        }
        if (middleCrashed) { // that run stopped uncleanly too: no marker, and the .unforced-rolls its open wrote
            Files.delete(data.resolve(DataDirectory.CLEAN_MARKER));
            Files.write(data.resolve(DataDirectory.UNFORCED_ROLLS), new byte[0]);
        }
        Engines.damagePayload(data, KEY, "r" + (RECORDS - 3)); // a flipped bit in an acknowledged, forced record

        try (FileStorageEngine engine = Engines.open(data, maxFileSize, FsyncPolicy.ALWAYS)) {
            for (int i = 0; i < RECORDS; i++) {
                if (i == RECORDS - 3) {
                    int o = i;
                    assertThatThrownBy(() -> engine.read(KEY, o)).as("the damaged record").isInstanceOf(CorruptRecordException.class);
                } else {
                    assertThat(engine.read(KEY, i).text()).as("%d: an acknowledged record", i).isEqualTo("r" + i);
                }
            }
            assertThat(engine.append(KEY, List.of(Engines.text("next")))).as("no acknowledged offset given again").isEqualTo(RECORDS);
        }
    }
}
