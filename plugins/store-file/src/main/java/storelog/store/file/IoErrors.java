package storelog.store.file;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import storelog.api.StorageFailedException;
import storelog.api.StorageFullException;
import storelog.api.StoreLogException;

/**
 * Tells apart the I/O errors an append can fail cleanly from — a full disk, a shortage of file
 * descriptors — from those that fail a partition closed (an I/O fault of the data, a failed fsync).
 *
 * <p>Java gives no {@code errno}: the JDK turns it into an {@link IOException} whose message (for
 * reads, writes and fsyncs) or {@link FileSystemException#getReason() reason} (for opening, listing,
 * renaming) is the C library's {@code strerror} text, in the process's locale. So the text of
 * {@code ENOSPC} is learnt from the operating system itself, once: a write to Linux's
 * {@code /dev/full} fails with exactly it. The English texts (and Windows' {@code ERROR_DISK_FULL})
 * stay as a fallback. A {@link FileSystemException} is judged by its reason only, never by the file
 * name in its message. An {@link UnrecoverableWriteException} (a failed fsync, a write that could not
 * be undone) is never a clean failure, whatever its cause says.
 */
final class IoErrors {

    private static final List<String> DISK_FULL = diskFullTexts();
    private static final List<String> DESCRIPTOR_SHORTAGE = List.of("Too many open files", "Too many open files in system");

    private IoErrors() {
    }

    /** Whether {@code e} is ENOSPC or EDQUOT, the append failed cleanly and may be retried once there is room. */
    static boolean isDiskFull(IOException e) {
        return causedBy(e, io -> says(io, DISK_FULL));
    }

    /**
     * Whether opening or creating a file failed for lack of file descriptors (EMFILE, ENFILE): not a
     * fault of the data, and nothing was written.
     */
    static boolean isDescriptorShortage(IOException e) {
        return causedBy(e, io -> io instanceof FileSystemException && says(io, DESCRIPTOR_SHORTAGE));
    }

    /**
     * What a write that stored nothing answers for {@code e} while its partition stays writable: a full
     * disk under {@code dir} ({@link StorageFullException}) or a shortage of file descriptors (a
     * {@link StorageFailedException} that says the write can be retried); null for any other error.
     * {@code what} names the write ("the append to partition p").
     */
    static StoreLogException nothingStored(IOException e, Path dir, String what) {
        if (isDiskFull(e)) {
            return new StorageFullException("the disk under " + dir + " is full: " + what + " was not stored ("
                    + e.getMessage() + ")", e);
        }
        if (isDescriptorShortage(e)) { // not a fault of the data
            return new StorageFailedException("the process is out of open files: " + what + " was not stored and can be "
                    + "retried (" + e.getMessage() + "); raise its open-file limit or lower STORE_MAX_OPEN_FILES", e);
        }
        return null;
    }

    /** Whether {@code e} or one of its causes is an I/O error that {@code test} accepts; never for an unrecoverable one. */
    private static boolean causedBy(IOException e, Predicate<IOException> test) {
        if (e instanceof UnrecoverableWriteException) {
            return false;
        }
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof IOException io && test.test(io)) {
                return true;
            }
        }
        return false;
    }

    /**
     * {@code e} as an I/O error. An unchecked exception out of a flush or an fsync (a bug, a
     * misbehaving file system) leaves the files' state unknown, like an I/O error that cannot be
     * undone: it must fail the partition and end its waiters, never escape the background thread or
     * the group commit (which would stay marked as running, every later appender waiting for it).
     */
    static IOException asIoException(Throwable e) {
        return e instanceof IOException io ? io : new IOException("unexpected failure: " + e, e);
    }

    private static boolean says(IOException e, List<String> texts) {
        String reason = e instanceof FileSystemException f ? f.getReason() : e.getMessage();
        if (reason == null) {
            return false;
        }
        for (String text : texts) {
            if (e instanceof FileSystemException ? reason.equals(text) : reason.contains(text)) {
                return true;
            }
        }
        return false;
    }

    private static List<String> diskFullTexts() {
        List<String> texts = new ArrayList<>(List.of("No space left on device", "Disk quota exceeded",
                "There is not enough space on the disk"));
        Path devFull = Path.of("/dev/full");
        if (Files.isWritable(devFull)) {
            try (FileChannel channel = FileChannel.open(devFull, StandardOpenOption.WRITE)) {
                channel.write(ByteBuffer.wrap(new byte[1]));
            } catch (IOException enospc) {
                if (enospc.getMessage() != null && !texts.contains(enospc.getMessage())) {
                    texts.add(enospc.getMessage());
                }
            } catch (RuntimeException e) {
                // no probe: the fallback texts stay
            }
        }
        return List.copyOf(texts);
    }
}
