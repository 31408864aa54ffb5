package storelog.store.file;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static storelog.store.file.Engines.KEY;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import storelog.api.NewRecord;
import storelog.api.StorageFailedException;
import storelog.testkit.TestData;

/**
 * An fsync on its way for a segment file that a truncation deletes meanwhile never reaches the file
 * created at the same name since (the segment the next roll makes at the same base): the kernel
 * reports a write-back error once, to the first fsync after it, and an fsync on behalf of the deleted
 * file has nothing to make durable and ignores its error — so reaching the new file it would take the
 * new segment's error with it, and the new segment's own fsync would report "synced" for records the
 * disk never took (review2).
 */
class DeletedFileFsyncTest {

    /**
     * The local disk. When armed, the first sync descriptor of {@code target} waits before it is opened
     * until the file is created again; that creation arms a write-back error of the new file, reported
     * once, to whichever fsync of it comes first (as Linux reports one to a descriptor opened before it).
     */
    private static final class StaleSyncDisk extends LocalDisk {
        final Faults.Gate openGate = new Faults.Gate();
        final AtomicInteger creations = new AtomicInteger();
        final AtomicBoolean writeBackError = new AtomicBoolean();
        volatile Path target;

        @Override
        public FileChannel createNew(Path file) throws IOException {
            FileChannel channel = super.createNew(file);
            if (file.equals(target) && creations.incrementAndGet() == 2) { // the segment made again at the same base
                writeBackError.set(true);
                openGate.release();
            }
            return channel;
        }

        @Override
        public FileSync openForSync(Path file) throws IOException {
            if (file.equals(target)) {
                openGate.pass();
            }
            FileSync real = super.openForSync(file);
            return FileSync.of(real.interruptible(), () -> {
                real.sync();
                if (file.equals(target) && writeBackError.getAndSet(false)) {
                    throw new IOException("injected: write-back of " + file + " failed");
                }
            }, real);
        }
    }

    private Path dir;

    /** A record that fills a segment of {@code MAX_FILE_SIZE} 100 alone. */
    private static NewRecord record(String text) {
        return Engines.text(text + " ".repeat(64));
    }

    @BeforeEach
    void setUp(TestInfo test) {
        dir = TestData.directory(test);
    }

    @Test
    void anFsyncOfADeletedSegmentDoesNotTakeTheWriteBackErrorOfTheSegmentMadeAgainAtItsName() throws Exception {
        StaleSyncDisk disk = new StaleSyncDisk();
        disk.target = SegmentName.storeFile(Engines.partitionDir(dir, KEY), 1);
        try (FileStorageEngine engine = Engines.open(dir, 100, FsyncPolicy.ALWAYS, disk);
                ExecutorService threads = Executors.newFixedThreadPool(2)) {
            assertThat(engine.append(KEY, List.of(record("r0")))).isZero();
            disk.openGate.arm();
            CompletableFuture<Long> cut = CompletableFuture.supplyAsync(
                    () -> engine.append(KEY, List.of(record("r1, to be truncated"))), threads); // rolls to segment_1
            disk.openGate.awaitBlocked(); // its fsync of segment_1.store is on its way
            engine.truncate(KEY, 1); // segment_1 is deleted
            CompletableFuture<Long> again = CompletableFuture.supplyAsync(
                    () -> engine.append(KEY, List.of(record("r1 again"))), threads); // makes segment_1 again
            assertThatThrownBy(() -> cut.get(30, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class);
            assertThatThrownBy(() -> again.get(30, TimeUnit.SECONDS)).as("its write-back failed: never acknowledged")
                    .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(StorageFailedException.class);
        }
    }
}
