package storelog.store.file;

import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import storelog.api.InvalidSettingException;
import storelog.api.PartitionKey;
import storelog.api.StorageFailedException;

/**
 * The data directory: an exclusive lock so one process owns it, the clean-shutdown marker, and the
 * partition directories (see {@link PartitionKey} for their encoding).
 *
 * <pre>
 * DATA_DIR/
 *   .lock               held (OS file lock) while an engine or verify has the directory open
 *   .clean-shutdown     present only between a clean close and the next open
 *   &lt;partition&gt;/          one directory per partition (nested for long keys)
 *     segment_&lt;base&gt;.store
 *     segment_&lt;base&gt;.index
 *     leader-epochs       the partition's leader-epoch history ({@link EpochHistoryFile})
 * </pre>
 * The marker is written last in a clean close, after every partition's store and index files and the
 * directories' entries were forced: it promises that everything the index files list is durable.
 * Opening for serving removes the marker (durably) before anything is written, so a crash at any
 * later point leaves no marker and the next start recovers.
 */
final class DataDirectory implements AutoCloseable {

    static final String LOCK_FILE = ".lock";
    static final String CLEAN_MARKER = ".clean-shutdown";

    private static final Logger LOG = System.getLogger(DataDirectory.class.getName());

    private final Path root;
    private final Disk disk;
    private final FileChannel lockChannel;
    private final FileLock lock;
    private final boolean wasClean;

    private DataDirectory(Path root, Disk disk, FileChannel lockChannel, FileLock lock, boolean wasClean) {
        this.root = root;
        this.disk = disk;
        this.lockChannel = lockChannel;
        this.lock = lock;
        this.wasClean = wasClean;
    }

    /**
     * Opens (creating) and locks the directory.
     *
     * @param claim whether to take over the clean-shutdown marker (serving); {@code verify} leaves it
     * @throws InvalidSettingException when the directory cannot be created or written
     * @throws StorageFailedException  when another process holds it
     */
    static DataDirectory open(Path root, boolean claim, Disk disk) {
        FileChannel channel;
        try {
            Directories.create(disk, root, true);
            channel = disk.open(root.resolve(LOCK_FILE), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw new InvalidSettingException("DATA_DIR", root.toString(), "cannot create or write the data directory: " + e);
        }
        try {
            FileLock lock = tryLock(channel);
            if (lock == null) {
                channel.close();
                throw new StorageFailedException("data directory " + root + " is in use by another StoreLog process");
            }
            Path marker = root.resolve(CLEAN_MARKER);
            boolean marked = disk.exists(marker);
            boolean clean = marked || isEmpty(root, disk);
            if (claim && marked) {
                disk.deleteIfExists(marker);
                Directories.force(disk, root);
            }
            return new DataDirectory(root, disk, channel, lock, clean);
        } catch (IOException e) {
            closeQuietly(channel);
            throw new StorageFailedException("cannot open data directory " + root + ": " + e, e);
        }
    }

    /** A new data directory (nothing in it but the lock file) has nothing to recover. */
    private static boolean isEmpty(Path root, Disk disk) throws IOException {
        return disk.list(root).stream().allMatch(p -> p.getFileName().toString().equals(LOCK_FILE));
    }

    private static FileLock tryLock(FileChannel channel) throws IOException {
        try {
            return channel.tryLock();
        } catch (OverlappingFileLockException e) {
            return null; // held by this very process
        }
    }

    Path root() {
        return root;
    }

    /** Whether the previous user closed the directory cleanly. */
    boolean wasClean() {
        return wasClean;
    }

    /** Every partition that has a directory, found by decoding directory names; foreign ones are ignored. */
    List<PartitionKey> partitionKeys() throws IOException {
        List<PartitionKey> keys = new ArrayList<>();
        collect(root, new ArrayList<>(), keys);
        return keys;
    }

    private void collect(Path dir, List<String> levels, List<PartitionKey> keys) throws IOException {
        for (Path entry : disk.list(dir)) {
            String name = entry.getFileName().toString();
            if (name.startsWith(".") || !disk.isDirectory(entry)) {
                continue;
            }
            List<String> path = new ArrayList<>(levels);
            path.add(name);
            if (PartitionKey.isContinuation(name)) {
                collect(entry, path, keys);
            } else {
                PartitionKey.fromRelativePath(path).ifPresentOrElse(keys::add,
                        () -> LOG.log(Level.WARNING, "ignoring {0}: not a partition directory", entry));
            }
        }
    }

    /**
     * Writes the clean-shutdown marker durably (the last step of a clean close). The directory is
     * forced first, so the partition directories created in this run are durable before the marker
     * that vouches for them can be.
     */
    void markClean() throws IOException {
        Directories.force(disk, root);
        try (FileChannel marker = disk.open(root.resolve(CLEAN_MARKER), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            marker.write(ByteBuffer.wrap(("closed cleanly at " + Instant.now() + "\n").getBytes(StandardCharsets.UTF_8)));
            marker.force(true);
        }
        Directories.force(disk, root);
    }

    @Override
    public void close() {
        try {
            lock.release();
        } catch (IOException e) {
            LOG.log(Level.WARNING, "releasing the lock of " + root + " failed: " + e);
        }
        closeQuietly(lockChannel);
    }

    private static void closeQuietly(FileChannel channel) {
        try {
            channel.close();
        } catch (IOException e) {
            LOG.log(Level.WARNING, "closing a lock file failed: " + e);
        }
    }
}
