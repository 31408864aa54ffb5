package storelog.store.file;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import storelog.api.CorruptRecordException;
import storelog.api.PartitionKey;
import storelog.testkit.TestData;

/**
 * Records acknowledged under {@code FSYNC=always} were forced before their acknowledgement; a run under
 * that policy that stops uncleanly leaves no {@code .unforced-rolls}. Damage in them afterwards (a bad
 * sector, a flipped bit) is damage, not a torn write: the damaged record keeps its offset and answers
 * {@code corrupt_record}, the records after it are still served (README, Durability). Before this test
 * the crash recovery went by the policy of the run that recovers, not of the one that wrote: restarted
 * under {@code interval} or {@code never}, it took the damaged record for a torn write of unforced
 * bytes and cut the log there — the acknowledged records after it deleted (a whole sealed segment's
 * successors too), and their offsets given to the next appends.
 */
class AlwaysCrashRecoveredUnderIntervalTest {

    private static final PartitionKey KEY = PartitionKey.of("acked");
    private static final int RECORDS = 10;

    @RegisterExtension
    final QuietLogs quiet = new QuietLogs("storelog.store.file");

    private Path dir;

    @BeforeEach
    void setUp(TestInfo test) {
        dir = TestData.directory(test);
    }

    @ParameterizedTest
    @ValueSource(longs = {1 << 20, 100}) // one active segment; one record per segment (the damage in a sealed one)
    void aDamagedRecordOfAnAlwaysRunIsNoTornWriteWhateverTheRestartsPolicy(long maxFileSize) throws IOException {
        for (FsyncPolicy restart : List.of(FsyncPolicy.ALWAYS, new FsyncPolicy(FsyncPolicy.Mode.INTERVAL, 50), FsyncPolicy.NEVER)) {
            Path data = dir.resolve(restart.mode() + "-" + maxFileSize);
            try (FileStorageEngine engine = Engines.open(data, maxFileSize, FsyncPolicy.ALWAYS)) {
                Engines.appendTexts(engine, KEY, 0, RECORDS); // each acknowledged: forced
            }
            Files.delete(data.resolve(DataDirectory.CLEAN_MARKER)); // as a kill -9 after the last acknowledgement leaves it
            assertThat(data.resolve(DataDirectory.UNFORCED_ROLLS)).doesNotExist();
            Engines.damagePayload(data, KEY, "r" + (RECORDS - 3)); // later, a flipped bit in an acknowledged record

            try (FileStorageEngine engine = Engines.open(data, maxFileSize, restart)) {
                for (int i = 0; i < RECORDS; i++) {
                    if (i == RECORDS - 3) {
                        int o = i;
                        assertThatThrownBy(() -> engine.read(KEY, o)).as("%s: the damaged record", restart)
                                .isInstanceOf(CorruptRecordException.class);
                    } else {
                        assertThat(engine.read(KEY, i).text()).as("%s, %d: an acknowledged record", restart, i).isEqualTo("r" + i);
                    }
                }
                assertThat(engine.append(KEY, List.of(Engines.text("next")))).as("%s: no acknowledged offset given again", restart)
                        .isEqualTo(RECORDS);
            }
        }
    }
}
