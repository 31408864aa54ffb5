package storelog.store.file;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import storelog.testkit.TestData;

/**
 * A segment file deleted (by a truncation or a rollback) while a reader or the open-files cache holds
 * a descriptor of it: no later file of the same name — a segment created again at the same base —
 * is ever written or read through that descriptor, and the deleted file's object neither reads
 * (stale data) nor writes any more.
 */
class DeletedFileHandleTest {

    /** A local disk whose deletions wait at a gate, before the file is gone. */
    private static final class GatedDeletes extends LocalDisk {
        final Faults.Gate gate = new Faults.Gate();

        @Override
        public boolean deleteIfExists(Path path) throws IOException {
            gate.pass();
            return super.deleteIfExists(path);
        }
    }

    private Path dir;
    private final GatedDeletes disk = new GatedDeletes();

    @BeforeEach
    void setUp(TestInfo test) {
        dir = TestData.directory(test);
    }

    private static String read(BufferedFile file, int length) throws IOException {
        ByteBuffer dst = ByteBuffer.allocate(length);
        file.read(0, dst);
        return new String(dst.array(), StandardCharsets.UTF_8);
    }

    @Test
    void aReaderOpeningTheFileWhileItIsDeletedLeavesNoDescriptorForTheNextFileOfThatName() throws Exception {
        Path path = dir.resolve("segment_5.store");
        disk.createNew(path).close();
        try (OpenFiles files = new OpenFiles(disk, 8);
                ExecutorService threads = Executors.newSingleThreadExecutor()) {
            BufferedFile old = new BufferedFile(files, path, 0);
            Engines.writeFlushed(old, "old records");
            disk.gate.arm();
            CompletableFuture<Void> deleting = CompletableFuture.runAsync(() -> {
                try {
                    old.delete();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }, threads);
            disk.gate.awaitBlocked(); // the truncation is deleting the file
            try {
                read(old, 3); // a reader with a snapshot from before the truncation
            } catch (IOException refused) {
                // refusing is fine too
            }
            disk.gate.release();
            deleting.get(30, TimeUnit.SECONDS);

            disk.createNew(path).close(); // a roll creates a segment at the same base again
            BufferedFile next = new BufferedFile(files, path, 0);
            Engines.writeFlushed(next, "new records");
            assertThat(Files.readString(path)).as("the new segment's bytes are in the new file").isEqualTo("new records");
            assertThat(read(next, 11)).isEqualTo("new records");

            assertThatThrownBy(() -> read(old, 3)).as("the deleted file's object reads nothing").isInstanceOf(IOException.class);
            assertThatThrownBy(() -> Engines.writeFlushed(old, "stale")).as("... and writes nothing").isInstanceOf(IOException.class);
            assertThat(Files.readString(path)).isEqualTo("new records");
        }
    }
}
