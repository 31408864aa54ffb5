package storelog.store.file;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.util.List;

/**
 * Every file-system operation of the engine, in one place: opening and creating files, listing,
 * renaming and deleting them, and forcing directories. Nothing in the engine touches
 * {@link java.nio.file.Files} or opens a {@link FileChannel} any other way, so a test can stand a
 * failing or a simulated disk behind the whole engine (fsync errors, a full disk, a power cut that
 * forgets what was not forced). Production uses {@link #LOCAL}.
 *
 * <p>Durability is the caller's business and is stated here as the engine relies on it: file data is
 * durable once the channel's {@link FileChannel#force} returned; a file's creation, rename or deletion
 * once {@link #forceDirectory} of its directory returned after it.
 *
 * <p>Implementations are thread-safe.
 */
interface Disk {

    /** The operating system's file system, through NIO. */
    Disk LOCAL = new LocalDisk();

    /** Opens a file; {@code options} as for {@link FileChannel#open(Path, OpenOption...)}. */
    FileChannel open(Path file, OpenOption... options) throws IOException;

    /** Creates a file that must not exist yet, open for writing. */
    FileChannel createNew(Path file) throws IOException;

    /** Creates {@code dir} and its missing parents; returns the directories it created, outermost first. */
    List<Path> createDirectories(Path dir) throws IOException;

    boolean exists(Path path);

    boolean isDirectory(Path path);

    /** A file's size in bytes. */
    long size(Path file) throws IOException;

    /** The entries of a directory, in no particular order. */
    List<Path> list(Path dir) throws IOException;

    /** Deletes a file or an empty directory if it exists; returns whether it did. */
    boolean deleteIfExists(Path path) throws IOException;

    /** Renames {@code source} to {@code target} in one atomic step, replacing {@code target}. */
    void moveAtomically(Path source, Path target) throws IOException;

    /** fsync of a directory, so the creations, renames and deletions of its entries survive a crash. */
    void forceDirectory(Path dir) throws IOException;
}
