package storelog.store.file;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static storelog.store.file.Engines.KEY;
import static storelog.store.file.Engines.text;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.RegisterExtension;
import storelog.api.StorageFailedException;
import storelog.api.StorageFullException;
import storelog.testkit.TestData;

/**
 * The check of a walked small segment's index before its first write ({@link Segment#checkIndexBeforeWrites})
 * answers as the append it belongs to would (review7): a full disk while the index is rewritten is a
 * {@link StorageFullException} (clean failure, retry later), a shortage of descriptors a failure that
 * says it can be retried — not a {@link StorageFailedException} that, by the engine's contract, means
 * the partition is closed for writes until reopened (it is not: the next append checks again).
 */
class WalkedIndexCheckErrorsTest {

    @RegisterExtension
    final QuietLogs quiet = new QuietLogs("storelog.store.file");

    private Path data;

    @BeforeEach
    void setUp(TestInfo test) {
        data = TestData.directory(test).resolve("data");
    }

    /** Three records, a clean close, then one index entry damaged (the index keeps its length). */
    private void cleanSmallPartitionWithADamagedIndexEntry() throws IOException {
        Engines.writeAndClose(data, "a", "b", "c");
        Engines.flipBit(Engines.index(data, 0), IndexEntry.positionOf(1) + 3);
    }

    @Test
    void aFullDiskWhileTheWalkedIndexIsRewrittenIsStorageFull() throws IOException {
        cleanSmallPartitionWithADamagedIndexEntry();
        Faults faults = new Faults();
        try (FileStorageEngine engine = Engines.open(data, 1 << 20, FsyncPolicy.ALWAYS, faults)) {
            assertThat(Engines.texts(engine, KEY)).containsExactly("a", "b", "c");
            faults.diskFull = true;
            assertThatThrownBy(() -> engine.append(KEY, List.of(text("d")))).isInstanceOf(StorageFullException.class);
            faults.diskFull = false;
            assertThat(engine.append(KEY, List.of(text("d")))).isEqualTo(3);
            assertThat(Engines.texts(engine, KEY)).containsExactly("a", "b", "c", "d");
        }
        try (FileStorageEngine engine = Engines.open(data)) {
            assertThat(Engines.texts(engine, KEY)).containsExactly("a", "b", "c", "d");
        }
    }

    @Test
    void aDescriptorShortageWhileTheWalkedIndexIsCheckedSaysItCanBeRetried() throws IOException {
        cleanSmallPartitionWithADamagedIndexEntry();
        Faults faults = new Faults();
        try (FileStorageEngine engine = Engines.open(data, 1 << 20, FsyncPolicy.ALWAYS, faults)) {
            assertThat(Engines.texts(engine, KEY)).containsExactly("a", "b", "c");
            faults.descriptorShortages.set(2); // the check's first open, the index (never opened by the walked load), and its retry
            assertThatThrownBy(() -> engine.append(KEY, List.of(text("d")))).isInstanceOf(StorageFailedException.class)
                    .hasMessageContaining("can be retried");
            assertThat(engine.append(KEY, List.of(text("d")))).isEqualTo(3);
            assertThat(Engines.texts(engine, KEY)).containsExactly("a", "b", "c", "d");
        }
    }
}
