package storelog.store.file;

import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryIteratorException;
import java.nio.file.DirectoryStream;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
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
 *   .clean-shutdown     present only between a clean close and the next open; lists the partitions
 *                       still awaiting crash recovery then (one "recover &lt;relative path&gt;" line each),
 *                       and ends with an "end" line; its first line carries the CRC32C of the
 *                       others (a marker cut short, torn or damaged is not believed)
 *   .unforced-rolls     present from the open of a run whose FSYNC policy forces sealed segments
 *                       later, in the background ({@code interval}, {@code never}), until a clean close
 *                       that forced every partition: recovery after a crash then checks and forces
 *                       the newest sealed segments even under {@code always}
 *   &lt;partition&gt;/          one directory per partition (nested for long keys)
 *     segment_&lt;base&gt;.store
 *     segment_&lt;base&gt;.index
 *     leader-epochs       the partition's leader-epoch history ({@link EpochHistoryFile})
 * </pre>
 * The marker is written last in a clean close, after every partition's store and index files and the
 * directories' entries were forced: it promises that everything the index files list is durable.
 * Opening for serving removes the marker (durably) before anything is written, so a crash at any
 * later point leaves no marker and the next start recovers.
 *
 * <p>After an unclean stop, partitions are recovered lazily (on first use, and in the background): a
 * clean close that comes before some were recovered cannot vouch for them, so the marker names them,
 * and the next start recovers those (and only those) as after a crash.
 */
final class DataDirectory implements AutoCloseable {

    static final String LOCK_FILE = ".lock";
    static final String CLEAN_MARKER = ".clean-shutdown";
    static final String UNFORCED_ROLLS = ".unforced-rolls";
    private static final Logger LOG = System.getLogger(DataDirectory.class.getName());
    /**
     * The data directories this process has open. A second open in the same process is
     * refused before it opens {@value #LOCK_FILE}: the OS lock is the process's, and closing any
     * descriptor of the file drops it (see {@link FileLock}), which would let another process in
     * beside the first open.
     */
    private static final ConcurrentHashMap<Held, Holder> HELD = new ConcurrentHashMap<>();

    /** A data directory as {@link #HELD} knows it. */
    private record Held(Path path) {
    }

    /** An open of a data directory in this process; its lock is null until taken. */
    private static final class Holder {
        volatile FileLock lock;

        /** Whether this open still holds the directory (or is still taking it). */
        boolean holds() {
            FileLock held = lock;
            return held == null || held.isValid(); // a lock whose channel was closed (a simulated crash) holds nothing
        }
    }

    private final Path root;
    /** {@code root} as a key of {@link #HELD} while this is open; null on a simulated disk. */
    private final Held held;
    private final Disk disk;
    private final FileChannel lockChannel;
    private final FileLock lock;
    private final boolean wasClean;
    /** The partitions the clean-shutdown marker named as not recovered yet (empty after a crash: all are). */
    private final Set<PartitionKey> unrecovered;
    /** Whether a run since the last clean close that forced everything may have left sealed segments unforced. */
    private final boolean rollsMayBeUnforced;

    private DataDirectory(Path root, Held held, Disk disk, FileChannel lockChannel, FileLock lock, boolean wasClean,
            Set<PartitionKey> unrecovered, boolean rollsMayBeUnforced) {
        this.root = root;
        this.disk = disk;
        this.lockChannel = lockChannel;
        this.lock = lock;
        this.wasClean = wasClean;
        this.unrecovered = unrecovered;
        this.rollsMayBeUnforced = rollsMayBeUnforced;
        this.held = held;
    }

    /** How a partition must be recovered before it serves. */
    enum Recovery {
        /** Closed cleanly: the cheap check of its active segment. */
        NONE,
        /**
         * As after a crash of runs under {@code always} only (no {@value #UNFORCED_ROLLS}): every
         * acknowledged record was forced, whatever the current policy, so nothing is cut at damage.
         */
        CRASH,
        /**
         * As after a crash of a run under {@code interval} or {@code never}, whatever the current
         * policy: such a run forces sealed segments in the background, and its crash may have come
         * first — the newest ones are checked and forced before anything of them is served.
         */
        CRASH_AFTER_UNFORCED_ROLLS
    }

    /**
     * Opens (creating) and locks the directory.
     *
     * @param claim whether to take over the clean-shutdown marker (serving); {@code verify} leaves it
     * @throws InvalidSettingException when the directory cannot be created or written
     * @throws StorageFailedException  when another process holds it
     */
    static DataDirectory open(Path root, boolean claim, Disk disk) {
        try {
            Directories.create(disk, root, true);
        } catch (IOException e) {
            throw new InvalidSettingException("DATA_DIR", root.toString(), "cannot create or write the data directory: " + e);
        }
        if (!(disk instanceof LocalDisk)) { // a test's simulated disk: its locks are no OS locks, one engine at a time uses it
            return open(root, claim, disk, null);
        }
        Held held = new Held(root.toAbsolutePath().normalize());
        Holder mine = new Holder();
        Holder other = HELD.putIfAbsent(held, mine);
        if (other != null && (other.holds() || !HELD.replace(held, other, mine))) {
            throw new StorageFailedException("data directory " + root + " is in use by this process already");
        }
        try {
            DataDirectory directory = open(root, claim, disk, held);
            mine.lock = directory.lock;
            return directory;
        } catch (RuntimeException | Error e) {
            HELD.remove(held, mine);
            throw e;
        }
    }

    private static DataDirectory open(Path root, boolean claim, Disk disk, Held held) {
        FileChannel channel;
        try {
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
            boolean present = disk.exists(marker);
            String text = present ? new String(read(disk, marker), StandardCharsets.UTF_8) : "";
            Set<PartitionKey> named = present ? CleanMarker.unrecoveredIn(text) : null;
            boolean marked = named != null;
            if (present && !marked) {
                LOG.log(Level.WARNING, "{0}: the clean-shutdown marker is cut short or damaged (a power cut while it was "
                        + "written?): every partition is recovered as after a crash", root);
            }
            boolean clean = marked || isEmpty(root, disk);
            Set<PartitionKey> unrecovered = marked ? named : Set.of();
            boolean rollsMayBeUnforced = disk.exists(root.resolve(UNFORCED_ROLLS));
            if (claim && present) {
                disk.deleteIfExists(marker);
                Directories.force(disk, root);
            }
            return new DataDirectory(root, held, disk, channel, lock, clean, unrecovered, rollsMayBeUnforced);
        } catch (IOException e) {
            closeQuietly(channel);
            throw new StorageFailedException("cannot open data directory " + root + ": " + e, e);
        }
    }

    private static byte[] read(Disk disk, Path file) throws IOException {
        try (FileChannel channel = disk.open(file, StandardOpenOption.READ)) {
            ByteBuffer bytes = ByteBuffer.allocate(Math.toIntExact(channel.size()));
            while (bytes.hasRemaining() && channel.read(bytes) >= 0) {
                // until the end
            }
            return bytes.array();
        }
    }

    /**
     * A new data directory (nothing in it but the lock file) has nothing to recover. Reads entries only
     * up to the first other one: {@code DATA_DIR} may hold 100,000 partitions.
     */
    private static boolean isEmpty(Path root, Disk disk) throws IOException {
        try (DirectoryStream<Path> entries = disk.entries(root)) {
            for (Path entry : entries) {
                String name = entry.getFileName().toString();
                if (!name.equals(LOCK_FILE) && !name.equals(UNFORCED_ROLLS)) {
                    return false;
                }
            }
            return true;
        } catch (DirectoryIteratorException e) {
            throw e.getCause();
        }
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

    /** Whether the previous user closed the directory cleanly (some partitions may still need recovery). */
    boolean wasClean() {
        return wasClean;
    }

    /**
     * Whether partition {@code key} must be recovered as after a crash before it serves: the last stop
     * was unclean, or it was clean but came before this partition's recovery (the marker names it).
     */
    boolean needsRecovery(PartitionKey key) {
        return !wasClean || unrecovered.contains(key);
    }

    /** How partition {@code key} must be recovered before it serves ({@link #needsRecovery}). */
    Recovery recoveryOf(PartitionKey key) {
        if (!needsRecovery(key)) {
            return Recovery.NONE;
        }
        return rollsMayBeUnforced ? Recovery.CRASH_AFTER_UNFORCED_ROLLS : Recovery.CRASH;
    }

    /**
     * Records, durably and before this run writes anything, that it forces sealed segments only in the
     * background ({@code interval}, {@code never}): until a clean close forced every partition, a
     * restart after a crash must not trust sealed segments, whatever its own policy.
     */
    void recordUnforcedRolls() throws IOException {
        Path file = root.resolve(UNFORCED_ROLLS);
        if (!disk.exists(file)) {
            disk.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE).close();
            Directories.force(disk, root);
        }
    }

    /** Every partition that has a directory ({@link PartitionWalk}). */
    List<PartitionKey> partitionKeys() throws IOException {
        return PartitionWalk.keys(disk, root);
    }

    /** Whether any partition must be recovered as after a crash: the last stop was unclean, or its marker names some. */
    boolean anyNeedsRecovery() {
        return !wasClean || !unrecovered.isEmpty();
    }

    /**
     * Calls {@code visit} with each partition that {@link #needsRecovery}, until it returns false;
     * returns whether all were visited. After an unclean stop that is every partition (a walk of the
     * directory); after a clean one, those its marker named that still have a directory.
     */
    boolean eachNeedingRecovery(Predicate<PartitionKey> visit) throws IOException {
        if (!wasClean) {
            return PartitionWalk.each(disk, root, visit);
        }
        for (PartitionKey key : unrecovered) {
            if (disk.directoryExists(key.directoryIn(root)) && !visit.test(key)) {
                return false;
            }
        }
        return true;
    }

    /**
     * Writes the clean-shutdown marker durably (the last step of a clean close), naming the partitions
     * whose crash recovery has not run yet: the marker vouches for all others only. With none left, or
     * when the open found no {@value #UNFORCED_ROLLS} (those left were written under {@code always} only,
     * every record forced: recovered later as {@link Recovery#CRASH}, not cut at damage), the
     * {@value #UNFORCED_ROLLS} record goes too (a run under {@code interval|never} writes it again). The directory is
     * forced first, so the partition directories created in this run are durable before the marker
     * that vouches for them can be.
     */
    void markClean(Collection<PartitionKey> notRecovered) throws IOException {
        if (notRecovered.isEmpty() || !rollsMayBeUnforced) {
            // every partition this run touched was forced by its close, and those not recovered yet either are
            // none or were all written by runs under always (no .unforced-rolls at the open): nothing is unforced
            disk.deleteIfExists(root.resolve(UNFORCED_ROLLS));
        }
        Directories.force(disk, root);
        ByteBuffer bytes = ByteBuffer.wrap(CleanMarker.text(notRecovered).getBytes(StandardCharsets.UTF_8));
        try (FileChannel marker = disk.open(root.resolve(CLEAN_MARKER), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            while (bytes.hasRemaining()) {
                marker.write(bytes);
            }
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
        if (held != null) {
            HELD.computeIfPresent(held, (key, holder) -> holder.lock == lock ? null : holder);
        }
    }

    private static void closeQuietly(FileChannel channel) {
        try {
            channel.close();
        } catch (IOException e) {
            LOG.log(Level.WARNING, "closing a lock file failed: " + e);
        }
    }
}
