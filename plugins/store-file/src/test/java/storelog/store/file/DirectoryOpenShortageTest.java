package storelog.store.file;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static storelog.store.file.Engines.KEY;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.RegisterExtension;
import storelog.api.Record;
import storelog.api.StorageFailedException;
import storelog.testkit.TestData;

/**
 * A directory fsync that cannot even open the directory (no descriptor left) ran no fsync: nothing
 * the kernel may have dropped, so it is retried like any operation that did not run — never a reason
 * to fail the partition closed for good (issue 7: a descriptor shortage is not an I/O fault of the
 * data). Under {@code never} the flusher opens the partition directory on every pass since the names
 * of rolled segments are forced there; under {@code always} every roll does.
 */
class DirectoryOpenShortageTest {

    private static final long MAX_FILE_SIZE = 600; // two records of 200 bytes per segment

    @RegisterExtension
    final QuietLogs quiet = new QuietLogs("storelog.store.file");

    @Test
    void theFlusherRetriesANamesForceThatCouldNotOpenTheDirectory(TestInfo test) {
        Path dir = TestData.directory(test);
        Faults faults = new Faults();
        try (FileStorageEngine engine = Engines.open(dir, MAX_FILE_SIZE, FsyncPolicy.NEVER, faults)) {
            append(engine, 0, 3); // the first roll forces the names itself
            faults.directoryOpenShortages.set(1);
            append(engine, 3, 5); // the second roll leaves segment 2's name to the flusher, whose first try fails
            String partition = Engines.partitionDir(dir, KEY).toAbsolutePath().toString();
            String sealed = Engines.store(dir, 2).toAbsolutePath().toString();
            try {
                await().atMost(Duration.ofSeconds(20)).until(() -> {
                    int failed = faults.indexOf("emfile-dir " + partition, 0);
                    return failed >= 0 && faults.indexOf("force-dir " + partition, failed) > failed
                            && faults.indexOf("force " + sealed, failed) > failed;
                });
            } catch (ConditionTimeoutException e) {
                throw new AssertionError("no failed names force followed by the names' and segment 2's: " + List.copyOf(faults.events), e);
            }
            assertThat(engine.append(KEY, List.of(Engines.sized(5, 200)))).as("the partition still takes appends").isEqualTo(5);
            assertThat(texts(engine)).hasSize(6);
        }
    }

    @Test
    void aRollWhoseDirectoryFsyncCouldNotOpenTheDirectoryFailsTheAppendOnly(TestInfo test) {
        Path dir = TestData.directory(test);
        Faults faults = new Faults();
        try (FileStorageEngine engine = Engines.open(dir, MAX_FILE_SIZE, FsyncPolicy.ALWAYS, faults)) {
            append(engine, 0, 2);
            faults.directoryOpenShortages.set(1);
            assertThatThrownBy(() -> engine.append(KEY, List.of(Engines.sized(2, 200)))) // rolls
                    .isInstanceOf(StorageFailedException.class).hasMessageContaining("can be retried");
            assertThat(engine.append(KEY, List.of(Engines.sized(2, 200)))).as("the retry is stored at the same offset").isEqualTo(2);
        }
        try (FileStorageEngine engine = Engines.open(dir, MAX_FILE_SIZE, FsyncPolicy.ALWAYS)) {
            assertThat(texts(engine)).hasSize(3);
            assertThat(engine.info(KEY).orElseThrow().nextOffset()).isEqualTo(3);
        }
    }

    /**
     * A new epoch's history file is renamed into place, then its directory cannot be opened for the
     * fsync: the rename happened, so the failure must not leave the engine believing the old history
     * while the file holds the new one — a later append it still admits (the old epoch) would be
     * attributed to the new epoch after a restart.
     */
    @Test
    void aHistoryRenameWhoseDirectoryCouldNotBeOpenedLeavesNoHistoryTheEngineDoesNotKnow(TestInfo test) {
        Path dir = TestData.directory(test);
        Faults faults = new Faults();
        List<storelog.api.EpochStart> served;
        try (FileStorageEngine engine = Engines.open(dir, MAX_FILE_SIZE, FsyncPolicy.ALWAYS, faults)) {
            engine.append(KEY, 5, List.of(Engines.sized(0, 200)));
            faults.directoryOpenShortagesAfterMove = 2; // the history's write is tried twice (OpenFiles.withDescriptors)
            assertThatThrownBy(() -> engine.append(KEY, 9, List.of(Engines.sized(1, 200))))
                    .isInstanceOf(StorageFailedException.class);
            try {
                engine.append(KEY, 5, List.of(Engines.sized(1, 200))); // admitted only if epoch 9 is unknown to it
            } catch (StorageFailedException refused) {
                // failed closed: nothing more is stored in this run
            }
            served = engine.epochs(KEY);
        }
        try (FileStorageEngine engine = Engines.open(dir, MAX_FILE_SIZE, FsyncPolicy.ALWAYS)) {
            List<storelog.api.EpochStart> after = engine.epochs(KEY);
            long end = engine.info(KEY).orElseThrow().nextOffset();
            assertThat(after.stream().filter(e -> e.startOffset() < end).toList())
                    .as("the epochs of the records stored, after a restart").isEqualTo(served.stream().filter(e -> e.startOffset() < end).toList());
        }
    }

    private static void append(FileStorageEngine engine, int from, int to) {
        for (int i = from; i < to; i++) {
            engine.append(KEY, List.of(Engines.sized(i, 200)));
        }
    }

    private static List<String> texts(FileStorageEngine engine) {
        return engine.read(KEY, 0, 100, Long.MAX_VALUE).stream().map(Record::text).toList();
    }
}
