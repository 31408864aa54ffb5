package storelog.store.file;

import java.io.Closeable;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Iterator;
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
    Disk LOCAL = LocalDisk.production();

    /** Opens a file; {@code options} as for {@link FileChannel#open(Path, OpenOption...)}. */
    FileChannel open(Path file, OpenOption... options) throws IOException;

    /** Creates a file that must not exist yet, open for writing. */
    FileChannel createNew(Path file) throws IOException;

    /** Creates {@code dir} and its missing parents; returns the directories it created, outermost first. */
    List<Path> createDirectories(Path dir) throws IOException;

    boolean exists(Path path);

    boolean isDirectory(Path path);

    /**
     * Whether {@code dir} is a directory, strictly: {@code false} only when nothing is there (or not a
     * directory); a {@code stat} that fails otherwise (permission, I/O error) throws. Where "absent"
     * means "nothing to recover", an error read as absent would skip a crash recovery.
     */
    boolean directoryExists(Path dir) throws IOException;

    /** A file's size in bytes. */
    long size(Path file) throws IOException;

    /** The entries of a directory, in no particular order (for small directories: a partition's). */
    List<Path> list(Path dir) throws IOException;

    /**
     * The entries of a directory, in no particular order, read as they are iterated (for
     * {@code DATA_DIR}, which may hold 100,000 partitions). The caller closes the stream; an error
     * while iterating is a {@link java.nio.file.DirectoryIteratorException}. By default: {@link #list}.
     */
    default DirectoryStream<Path> entries(Path dir) throws IOException {
        List<Path> all = list(dir);
        return new DirectoryStream<>() {
            @Override
            public Iterator<Path> iterator() {
                return all.iterator();
            }

            @Override
            public void close() {
                // nothing held
            }
        };
    }

    /** Deletes a file or an empty directory if it exists; returns whether it did. */
    boolean deleteIfExists(Path path) throws IOException;

    /** Renames {@code source} to {@code target} in one atomic step, replacing {@code target}. */
    void moveAtomically(Path source, Path target) throws IOException;

    /** fsync of a directory, so the creations, renames and deletions of its entries survive a crash. */
    void forceDirectory(Path dir) throws IOException;

    /**
     * Opens a regular file for fsyncs of its data through a descriptor of its own ({@link FileSync}).
     * By default a channel of {@link #open}, which an interrupt of the thread using it closes.
     */
    default FileSync openForSync(Path file) throws IOException {
        FileChannel channel = open(file, StandardOpenOption.READ, StandardOpenOption.WRITE); // writable: Windows flushes only handles open for writing
        return FileSync.of(true, () -> channel.force(false), channel);
    }

    /** A descriptor of a file, for fsyncs of its data: on any descriptor, an fsync covers every write made through any other. */
    interface FileSync extends Closeable {

        /** fsync of the file's data; its outcome, success or error, is the operating system's. */
        void sync() throws IOException;

        /**
         * Whether an interrupt of the thread in {@link #sync} ends it with {@link java.nio.channels.ClosedByInterruptException}
         * in place of the fsync's own outcome (an NIO channel's): the engine then syncs on a thread
         * nobody interrupts ({@link Uninterruptible}).
         */
        boolean interruptible();

        /** A descriptor that {@code sync} fsyncs and {@code descriptor} closes. */
        static FileSync of(boolean interruptible, Uninterruptible.Operation sync, Closeable descriptor) {
            return new FileSync() {
                @Override
                public void sync() throws IOException {
                    sync.run();
                }

                @Override
                public boolean interruptible() {
                    return interruptible;
                }

                @Override
                public void close() throws IOException {
                    descriptor.close();
                }
            };
        }
    }
}
