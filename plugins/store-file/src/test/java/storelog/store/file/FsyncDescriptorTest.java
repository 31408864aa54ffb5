package storelog.store.file;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static storelog.store.file.Engines.KEY;
import static storelog.store.file.Engines.text;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import storelog.api.StorageFailedException;
import storelog.testkit.TestData;

/**
 * An fsync does not depend on the shared, cached descriptor of a file: that one may have been evicted
 * from {@link OpenFiles} (reopening it can meet a descriptor shortage, which is no fsync failure), or
 * closed by another thread's interrupt (which hides the fsync's own outcome, so retrying it on a new
 * descriptor could turn a failed fsync into "synced").
 */
class FsyncDescriptorTest {

    private Path dir;
    private final Faults disk = new Faults();

    @BeforeEach
    void setUp(TestInfo test) {
        dir = TestData.directory(test);
    }

    @Test
    void aDescriptorShortageWhenTheEvictedFileIsReopenedForItsFsyncIsNoFsyncFailure() throws Exception {
        Path path = dir.resolve("segment_0.store");
        Path other = dir.resolve("segment_9.store");
        disk.createNew(path).close();
        disk.createNew(other).close();
        try (OpenFiles files = new OpenFiles(disk, 1)) {
            BufferedFile file = new BufferedFile(files, path, 0);
            Engines.writeFlushed(file, "unsynced bytes");
            new BufferedFile(files, other, 0).read(0, java.nio.ByteBuffer.allocate(0)); // evicts the first file's descriptor
            disk.descriptorShortages.set(2);
            assertThatThrownBy(file::force).isInstanceOf(IOException.class).isNotInstanceOf(UnrecoverableWriteException.class);
            assertThat(disk.storeForces.get()).as("nothing was forced").isZero();
            disk.descriptorShortages.set(0);
            file.force(); // not retried into success: it never ran
            assertThat(disk.storeForces.get()).as("the bytes were forced, not skipped").isEqualTo(1);
            file.force();
            assertThat(disk.storeForces.get()).as("forced bytes are not forced again").isEqualTo(1);
        }
    }

    @Test
    void underFsyncAlwaysADescriptorShortageAtTheFsyncFailsOnlyThatAppend() {
        StoreConfig config = new StoreConfig(dir, 1 << 20, FsyncPolicy.ALWAYS, 1);
        try (FileStorageEngine engine = FileStorageEngine.open(config, disk)) {
            Engines.appendTexts(engine, KEY, 0, 3);
            disk.descriptorShortages.set(2); // the flush writes through the cached descriptor; the fsync needs one
            assertThatThrownBy(() -> engine.append(KEY, List.of(text("not stored")))).isInstanceOf(StorageFailedException.class)
                    .hasMessageContaining("retried");
            disk.descriptorShortages.set(0);
            assertThat(engine.append(KEY, List.of(text("r3")))).as("the partition stays writable").isEqualTo(3);
            assertThat(engine.read(KEY, 3).text()).isEqualTo("r3");
        }
    }

    @Test
    void anFsyncFailureIsNotHiddenByAnInterruptOfTheAppenderAndRetriedIntoSuccess() throws Exception {
        try (FileStorageEngine engine = Engines.open(dir, 1 << 20, FsyncPolicy.ALWAYS, disk)) {
            Engines.appendTexts(engine, KEY, 0, 2);
            disk.storeForceGate.arm();
            disk.failNextStoreForce.set(true);
            AtomicReference<Thread> appender = new AtomicReference<>();
            CompletableFuture<Long> append = new CompletableFuture<>();
            Thread.ofVirtual().start(() -> {
                appender.set(Thread.currentThread());
                try {
                    append.complete(engine.append(KEY, List.of(text("not durable"))));
                } catch (RuntimeException e) {
                    append.completeExceptionally(e);
                }
            });
            disk.storeForceGate.awaitBlocked(); // the append's fsync runs
            appender.get().interrupt(); // a cancelled request
            disk.storeForceGate.release(); // ... and the fsync fails
            assertThatThrownBy(() -> append.get(30, TimeUnit.SECONDS)).as("a failed fsync is never acknowledged")
                    .hasCauseInstanceOf(StorageFailedException.class);
        }
    }
}
