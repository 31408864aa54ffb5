package storelog.store.file;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.Test;

/** Telling a full disk (and a descriptor shortage) apart from other I/O errors, by the error's cause, not by file names. */
class IoErrorsTest {

    private static final Path DEV_FULL = Path.of("/dev/full");

    @Test
    void theOperatingSystemsOwnNoSpaceErrorIsAFullDisk() throws IOException {
        assumeThat(Files.exists(DEV_FULL)).as("Linux's /dev/full answers every write with ENOSPC").isTrue();
        try (FileChannel channel = FileChannel.open(DEV_FULL, StandardOpenOption.WRITE)) {
            channel.write(ByteBuffer.wrap(new byte[8]), 0);
        } catch (IOException enospc) {
            assertThat(IoErrors.isDiskFull(enospc)).as(enospc.toString()).isTrue();
            return;
        }
        throw new AssertionError("a write to /dev/full succeeded");
    }

    @Test
    void aFileSystemErrorIsJudgedByItsReasonNotByTheFileItNames() {
        assertThat(IoErrors.isDiskFull(new FileSystemException("/data/x/segment_0.store", null, "No space left on device"))).isTrue();
        assertThat(IoErrors.isDiskFull(new FileSystemException("/data/No space left on device/segment_0.store", null,
                "Permission denied"))).isFalse();
        assertThat(IoErrors.isDiskFull(new IOException("Input/output error"))).isFalse();
        assertThat(IoErrors.isDiskFull(new IOException("write failed", new IOException("Disk quota exceeded")))).isTrue();
    }

    @Test
    void aDescriptorShortageIsRecognisedByItsReason() {
        assertThat(IoErrors.isDescriptorShortage(new FileSystemException("/d/segment_5.index", null, "Too many open files"))).isTrue();
        assertThat(IoErrors.isDescriptorShortage(new FileSystemException("/d/Too many open files", null, "No such file"))).isFalse();
        assertThat(IoErrors.isDescriptorShortage(new IOException("Too many open files"))).isFalse();
    }
}
