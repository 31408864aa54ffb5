package storelog.store.file;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import storelog.api.PartitionKey;
import storelog.api.Record;
import storelog.testkit.TestData;

/**
 * The clean-shutdown marker names the partitions a lazily recovering run closed before recovering
 * ({@link DataDirectory#markClean}); it is written in place, so a power cut between its creation and
 * its fsync can leave it empty or cut short (ext4's zero-length file after a crash: the directory entry
 * reached the journal, the data did not). Such a marker names none or only some of them, and the next
 * start would trust their torn segments as if closed cleanly: serving a torn record and appending
 * after it. A marker is only believed whole.
 */
class TornCleanMarkerTest {

    private Path dir;

    @BeforeEach
    void setUp(TestInfo test) {
        dir = TestData.directory(test);
    }

    @Test
    void anEmptyOrCutShortMarkerVouchesForNoPartition() throws IOException {
        for (int keep : new int[] {0, -1}) { // empty; only its first line (the partitions' lines lost)
            Path data = dir.resolve("data" + keep);
            PartitionKey key = PartitionKey.of("p");
            try (FileStorageEngine engine = Engines.open(data, 1 << 20, FsyncPolicy.NEVER)) {
                Engines.appendTexts(engine, key, 0, 5);
            }
            Files.delete(data.resolve(DataDirectory.CLEAN_MARKER)); // a crash of that run
            try (FileChannel store = FileChannel.open(SegmentName.storeFile(key.directoryIn(data), 0), StandardOpenOption.WRITE)) {
                store.truncate(store.size() - 3); // the crash tore its last frame
            }
            FileStorageEngine.open(Engines.config(data, 1 << 20, FsyncPolicy.ALWAYS), new LocalDisk(), false).close();
            Path marker = data.resolve(DataDirectory.CLEAN_MARKER);
            assertThat(Files.readString(marker)).as("the close names the partition it did not recover").contains("recover p");
            String text = Files.readString(marker);
            Files.writeString(marker, keep == 0 ? "" : text.substring(0, text.indexOf('\n') + 1)); // the power cut's marker

            try (FileStorageEngine engine = FileStorageEngine.open(Engines.config(data, 1 << 20, FsyncPolicy.ALWAYS),
                    new LocalDisk(), false)) {
                assertThat(engine.read(key, 0, 10, Long.MAX_VALUE)).extracting(Record::text).as("marker %d", keep)
                        .containsExactly("r0", "r1", "r2", "r3");
                assertThat(engine.append(key, List.of(Engines.text("next")))).as("the torn record's offset, given again").isEqualTo(4);
            }
        }
    }
}
