package storelog.store.file;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import storelog.api.PartitionInfo;
import storelog.api.PartitionKey;
import storelog.testkit.TestData;

/**
 * A walk of {@code DATA_DIR} ({@link PartitionWalk}) treats a failed {@code stat} as an error, so
 * that no partition is skipped for an I/O error — but an entry whose name no partition can have (a
 * symlink loop an operator left, an editor's backup) needs no {@code stat} at all: its failing one
 * must not make the listing, the metrics, the background recovery and the clean-shutdown marker fail
 * on every run.
 */
class WalkForeignEntriesTest {

    private Path dir;

    @BeforeEach
    void setUp(TestInfo test) {
        dir = TestData.directory(test);
    }

    @Test
    void aSymlinkLoopNamedLikeNoPartitionStopsNoWalk() throws Exception {
        Path data = dir.resolve("data");
        PartitionKey key = PartitionKey.of("p0");
        try (FileStorageEngine engine = Engines.open(data, 1 << 20, FsyncPolicy.ALWAYS)) {
            Engines.appendTexts(engine, key, 0, 3);
        }
        Files.delete(data.resolve(DataDirectory.CLEAN_MARKER)); // an unclean stop: the marker names no partition
        Path loop = data.resolve("loop~"); // '~' is escaped in partition directory names: no partition is called this
        assertThat(PartitionKey.fromRelativePath(java.util.List.of("loop~"))).isEmpty();
        Files.createSymbolicLink(loop, loop);
        try (FileStorageEngine engine = Engines.open(data, 1 << 20, FsyncPolicy.ALWAYS)) {
            assertThat(engine.partitions()).extracting(PartitionInfo::partition).containsExactly(key);
            assertThat(engine.metrics().get("partitions")).isEqualTo(1L);
        }
        assertThat(data.resolve(DataDirectory.CLEAN_MARKER)).as("the close vouches for the partitions").exists();
    }
}
