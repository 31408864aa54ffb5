package storelog.store.file;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static storelog.store.file.Engines.KEY;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import storelog.api.Record;
import storelog.api.StoreLogException;
import storelog.testkit.TestData;

/**
 * A roll whose new segment could not be created, and whose cleanup could not delete the file it had
 * made either (found by {@link FaultFuzzTest}, FSYNC=interval seed 23): the leftover store at the
 * failed base must be gone before anything more is appended. Else a smaller record that still fits
 * the "full" segment goes there at the leftover's base, and the next start lists the leftover as the
 * segment that holds it: an acknowledged record reads as damaged.
 */
class FailedRollUndeletedLeftoverTest {

    private static final long MAX_FILE_SIZE = 600;

    @RegisterExtension
    final QuietLogs quiet = new QuietLogs("storelog.store.file");

    @ParameterizedTest
    @ValueSource(strings = {"always", "never"})
    void aLeftoverWhoseDeletionFailedIsDeletedBeforeTheNextAppend(String mode, TestInfo test) throws Exception {
        FsyncPolicy fsync = FsyncPolicy.parse(mode);
        Path dir = TestData.directory(test);
        Faults faults = new Faults();
        try (FileStorageEngine engine = Engines.open(dir, MAX_FILE_SIZE, fsync, faults)) {
            engine.append(KEY, List.of(Engines.sized(0, 200)));
            engine.append(KEY, List.of(Engines.sized(1, 200))); // segment 0 is full
            faults.failCreating = "segment_2.index";
            faults.failDeletes.set(1); // the cleanup cannot delete the store it created
            assertThatThrownBy(() -> engine.append(KEY, List.of(Engines.sized(2, 200)))).isInstanceOf(StoreLogException.class);
            faults.failCreating = null;
            assertThat(Files.exists(Engines.store(dir, 2))).as("the leftover this test needs").isTrue();

            for (int i = 2; i < 6; i++) { // small records: segment 0 still has room for one, past the leftover's base
                engine.append(KEY, List.of(Engines.sized(i, 40)));
            }
        }
        try (FileStorageEngine engine = Engines.open(dir, MAX_FILE_SIZE, fsync)) {
            List<Record> log = engine.read(KEY, 0, 100, Long.MAX_VALUE);
            assertThat(log).extracting(Record::offset).containsExactly(0L, 1L, 2L, 3L, 4L, 5L);
            assertThat(log.get(2).text()).startsWith("r2-").hasSize(40);
        }
    }
}
