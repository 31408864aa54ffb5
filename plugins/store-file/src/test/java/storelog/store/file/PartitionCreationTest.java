package storelog.store.file;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static storelog.store.file.Engines.text;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.TestInfo;
import storelog.api.PartitionKey;
import storelog.api.StorageFullException;
import storelog.testkit.TestData;

/**
 * A partition whose creation failed halfway — its outer directory made, the inner one not (a full
 * disk) — and is created by the next append: every directory of its path is durable before a record
 * in it is acknowledged, not only the ones that second attempt made.
 */
class PartitionCreationTest {

    /** A local disk whose first creation of nested directories stops after the outermost one, with ENOSPC. */
    private static final class HalfwayDirectories extends LocalDisk {
        final AtomicBoolean failOnce = new AtomicBoolean(true);
        final List<Path> forced = Collections.synchronizedList(new ArrayList<>());

        @Override
        public List<Path> createDirectories(Path dir) throws IOException {
            Path outer = dir.getParent();
            if (!Files.exists(outer) && failOnce.compareAndSet(true, false)) {
                Files.createDirectory(outer);
                throw new IOException("No space left on device");
            }
            return super.createDirectories(dir);
        }

        @Override
        public void forceDirectory(Path dir) throws IOException {
            forced.add(dir.toAbsolutePath());
            super.forceDirectory(dir);
        }
    }

    private Path dir;
    private final HalfwayDirectories disk = new HalfwayDirectories();

    @BeforeEach
    void setUp(TestInfo test) {
        dir = TestData.directory(test);
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(booleans = {false, true})
    void aPartitionCreatedAfterAFailedFirstAttemptHasItsWholePathForced(boolean epochHistoryFirst) {
        PartitionKey key = PartitionKey.of("K".repeat(100)); // escaped, 300 characters: two directory levels
        Path inner = key.directoryIn(dir).toAbsolutePath();
        Path outer = inner.getParent();
        try (FileStorageEngine engine = Engines.open(dir, 1 << 20, FsyncPolicy.ALWAYS, disk)) {
            // with an epoch, the partition's history is saved (creating its directories) before its first segment
            long epoch = epochHistoryFirst ? 1 : 0;
            assertThatThrownBy(() -> engine.append(key, epoch, List.of(text("not stored")))).isInstanceOf(StorageFullException.class);
            assertThat(outer).isDirectory();
            disk.forced.clear();
            assertThat(engine.append(key, epoch, List.of(text("r0")))).isEqualTo(0);
            assertThat(disk.forced).as("the outer directory's entry and the inner one's are durable")
                    .contains(dir.toAbsolutePath(), outer, inner);
        }
    }
}
