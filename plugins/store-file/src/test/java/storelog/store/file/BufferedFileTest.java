package storelog.store.file;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import storelog.testkit.TestData;

/**
 * {@link BufferedFile}'s promises: "synced" is said only of bytes an fsync that succeeded covered; a
 * failed write leaves the file as it was, or says that it could not.
 */
class BufferedFileTest {

    private final Faults disk = new Faults();

    @Test
    void aForceNeverReportsSyncedWhileAnotherThreadsFsyncOfTheSameBytesFails(TestInfo test) throws Exception {
        Path path = TestData.directory(test).resolve("segment_0.store");
        disk.createNew(path).close();
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try (OpenFiles files = new OpenFiles(disk, 4)) {
            BufferedFile file = new BufferedFile(files, path, 0);
            Engines.writeFlushed(file, "unsynced bytes");
            disk.storeForceGate.arm();
            Future<?> first = pool.submit(() -> {
                file.force();
                return null;
            });
            disk.storeForceGate.awaitBlocked(); // the first fsync is running
            Future<?> second = pool.submit(() -> {
                file.force();
                return null;
            });
            disk.failForce = true; // ... and it will fail
            disk.storeForceGate.release();

            assertThatThrownBy(() -> first.get(30, TimeUnit.SECONDS)).hasCauseInstanceOf(IOException.class);
            assertThatThrownBy(() -> second.get(30, TimeUnit.SECONDS)).as("the second caller's bytes were never synced")
                    .hasCauseInstanceOf(IOException.class);
            disk.failForce = false;
            assertThatThrownBy(file::force).as("an fsync failure is never retried into success").isInstanceOf(IOException.class);
        } finally {
            pool.shutdown();
        }
    }

    /**
     * A reader that opens a file just as a truncation deletes it (between closing the cached channel
     * and removing the name) left that channel cached under the name; the segment created next at the
     * same base then wrote its acknowledged records through it, into the deleted file. Seen as a flaky
     * TruncationTest ("record 134 is missing: the store ends at byte 16"). Fixed by removing the name
     * first and then closing what is cached under it (also for the rename of an index rebuild).
     */
    @Test
    void aFileReopenedAsItIsDeletedIsNeverWrittenThroughBySuccessorAtTheSameName(TestInfo test) throws Exception {
        Path path = TestData.directory(test).resolve("segment_0.store");
        OpenFiles[] shared = new OpenFiles[1];
        LocalDisk racing = new LocalDisk() {
            @Override
            public boolean deleteIfExists(Path p) throws IOException {
                shared[0].acquire(p).close(); // a reader opens the file at the worst moment
                return super.deleteIfExists(p);
            }
        };
        try (OpenFiles files = new OpenFiles(racing, 4)) {
            shared[0] = files;
            racing.createNew(path).close();
            BufferedFile old = new BufferedFile(files, path, 0);
            Engines.writeFlushed(old, "old records");
            old.delete();
            racing.createNew(path).close();
            BufferedFile successor = new BufferedFile(files, path, 0);
            Engines.writeFlushed(successor, "new records");
            assertThat(Files.readString(path)).isEqualTo("new records");
        }
    }

    /**
     * The flusher's fsync of a sealed segment checked that the file was not deleted, then opened it:
     * a truncation deleting the segment in between made the fsync fail on the missing file (the
     * partition failed closed), or, before the name went first, cached the deleted file's channel.
     * Fixed: an fsync of a file deleted meanwhile has nothing to make durable and succeeds.
     */
    @Test
    void anFsyncThatRacesADeletionNeitherFailsNorOpensTheDeletedFile(TestInfo test) throws Exception {
        Path path = TestData.directory(test).resolve("segment_0.store");
        CountDownLatch opening = new CountDownLatch(1);
        CountDownLatch deleted = new CountDownLatch(1);
        LocalDisk slowOpen = new LocalDisk() {
            @Override
            public java.nio.channels.FileChannel open(Path p, java.nio.file.OpenOption... options) throws IOException {
                if (Thread.currentThread().getName().equals("fsync")) { // the fsync opens a descriptor of its own
                    opening.countDown();
                    try {
                        deleted.await(30, TimeUnit.SECONDS); // the deletion runs now
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                return super.open(p, options);
            }

            @Override
            public boolean deleteIfExists(Path p) throws IOException {
                boolean gone = super.deleteIfExists(p);
                deleted.countDown();
                return gone;
            }
        };
        ExecutorService pool = Executors.newSingleThreadExecutor(r -> new Thread(r, "fsync"));
        try (OpenFiles files = new OpenFiles(slowOpen, 4)) {
            slowOpen.createNew(path).close();
            BufferedFile file = new BufferedFile(files, path, 0);
            Engines.writeFlushed(file, "sealed records");
            file.forget(); // the fsync must open the file
            Future<?> fsync = pool.submit(() -> {
                file.force();
                return null;
            });
            assertThat(opening.await(30, TimeUnit.SECONDS)).isTrue();
            file.delete();
            fsync.get(30, TimeUnit.SECONDS);
            assertThat(files.openCount()).as("nothing cached under the deleted name").isZero();
        } finally {
            pool.shutdown();
        }
    }

    @Test
    void anOverwriteCutShortPutsBackTheBytesItReplaced(TestInfo test) throws Exception {
        Path path = TestData.directory(test).resolve("segment_0.store");
        disk.createNew(path).close();
        try (OpenFiles files = new OpenFiles(disk, 4)) {
            BufferedFile file = new BufferedFile(files, path, 0);
            Engines.writeFlushed(file, "acknowledged record");
            disk.shortStoreWrites.set(1); // half of the new bytes reach the file, then ENOSPC

            assertThatThrownBy(() -> file.overwrite(0, ByteBuffer.wrap("REWRITTEN".getBytes(StandardCharsets.UTF_8))))
                    .isInstanceOf(IOException.class).isNotInstanceOf(UnrecoverableWriteException.class);
            assertThat(Files.readString(path)).isEqualTo("acknowledged record");
            assertThat(file.flushedSize()).isEqualTo("acknowledged record".length());
        }
    }

    @Test
    void anOverwriteThatCannotBePutBackIsUnrecoverable(TestInfo test) throws Exception {
        Path path = TestData.directory(test).resolve("segment_0.store");
        disk.createNew(path).close();
        try (OpenFiles files = new OpenFiles(disk, 4)) {
            BufferedFile file = new BufferedFile(files, path, 0);
            Engines.writeFlushed(file, "acknowledged record");
            disk.diskFull = true; // every write is cut short: the undo too

            assertThatThrownBy(() -> file.overwrite(0, ByteBuffer.wrap("REWRITTEN".getBytes(StandardCharsets.UTF_8))))
                    .isInstanceOf(UnrecoverableWriteException.class);
        }
    }
}
