package storelog.store.file;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicLong;
import storelog.api.PartitionKey;

/**
 * Creates a partition's segments: the first one (creating the partition's directory) and each next
 * one when the active segment is full. Under {@code FSYNC=always|interval} a new segment's files and
 * its directory entry are forced before it is used; under {@code never} the flusher forces them in
 * the background together with the sealed segments ({@link BackgroundFlush}), and the clean close
 * ({@link #forceNames(boolean)}, {@link Durability#forcesNewNames()}) — except the partition's first
 * names, forced by its first roll. Creating segments is called under the partition's lock;
 * {@link #forceNames} from any thread.
 */
final class SegmentRoller {

    private final PartitionKey key;
    private final Path dir;
    private final StoreContext context;
    /** Whether new files and directories are forced when created ({@link Durability#forcesNewNames()}). */
    private final boolean syncs;
    /** How many times files or directories were created without forcing their names (written under the lock). */
    private volatile long namesCreated;
    /** The {@link #namesCreated} that the last completed {@link #forceNames} covered. */
    private final AtomicLong namesForced = new AtomicLong();
    /** Whether the partition's directories (and first segment) were created and their names not forced yet. */
    private volatile boolean directoriesUnforced;
    /**
     * Whether a creation failed after making some of its files, which it deleted again without a
     * directory fsync (lock held): the deletion must be durable before a later segment's name can be.
     */
    private boolean leftoverUnforced;
    /**
     * The bases of segments whose creation failed (lock held): their files may still be there, since
     * the cleanup's deletion can fail too. Deleted again before anything more is appended — a smaller
     * record that still fits the full segment would go there at that base, and the next start would
     * list the leftover as the segment that holds it.
     */
    private final Set<Long> failedBases = new TreeSet<>();

    SegmentRoller(PartitionKey key, Path dir, StoreContext context, boolean syncs) {
        this.key = key;
        this.dir = dir;
        this.context = context;
        this.syncs = syncs;
    }

    /** The partition's first segment, at {@code base}; its directory (and parents) are created, durably unless {@code never}. */
    Segment first(long base) throws IOException {
        if (!syncs) {
            context.createPartitionDirectory(dir);
            directoriesUnforced = true;
            return create(base);
        }
        // Three fsyncs, not seven: the new files' headers are not forced on their own (the group
        // commit's fsync of the store covers its header before any acknowledgement, the index is
        // derived data recovery rebuilds), and each directory is forced once, after the files are in
        // it: the partition directory for the files' names, the ones above it up to DATA_DIR for its
        // own — DATA_DIR's fsync shared with the partitions created at the same time.
        context.createPartitionDirectory(dir);
        Segment segment = createFiles(base, false);
        forceOrDelete(segment, () -> {
            forceBelowDataDir();
            context.dataDirForce().force();
        });
        return segment;
    }

    /**
     * The segment after a roll, at {@code base}. Under {@code never} the names of the segments the
     * flusher has not forced yet (the active one and those sealed since its last pass, at most
     * {@link BackgroundFlush#MAX_PENDING} + 1) may be lost to a power cut while a newer one survives:
     * recovery finds the segment before such a hole short of the next one's base, which it checks
     * ({@link PartitionRecovery}), and cuts there. The partition's first segment has no segment before
     * it to show that, so the first roll forces the names (and the partition's directories) itself:
     * a log that survives a power cut always starts at its first segment. Forcing names on every roll
     * instead held the appender in a directory fsync — on ext4 a journal commit that writes out the
     * segment's dirty pages — and cost a single appender a quarter of its rate (bench/RESULTS.md).
     */
    Segment next(long base) throws IOException {
        if (!syncs && directoriesUnforced) {
            forceNames(true);
        }
        return create(base);
    }

    /** A new, empty segment at {@code base}. */
    private Segment create(long base) throws IOException {
        Segment segment = createFiles(base, syncs);
        if (syncs) {
            forceOrDelete(segment, () -> Directories.force(context.disk(), dir));
        } else {
            namesCreated++; // lock held: the only writer
        }
        return segment;
    }

    /** The new segment's files, their headers forced when {@code sync}. */
    private Segment createFiles(long base, boolean sync) throws IOException {
        OpenFiles files = context.files();
        try {
            return files.withDescriptors(() -> SegmentFiles.create(key, dir, base, files, sync));
        } catch (IOException | RuntimeException e) {
            leftoverUnforced = true; // it may have created files and deleted them again (not durably), or failed to
            failedBases.add(base);
            throw e;
        }
    }

    /**
     * Deletes what failed creations may have left (their own cleanup can fail too) and forces the
     * partition's directory if a failed creation deleted its files without (lock held;
     * before anything more is appended, and at the clean close). A power cut must not keep that
     * empty segment's name: recovery would take it for the full segment's successor and count the
     * records appended to the full one after the failed roll — acknowledged, maybe forced — as
     * missing (answered {@code corrupt_record}, or cut under {@code interval|never}). Not done in the
     * failed creation itself: under a descriptor shortage the directory cannot be opened either, and
     * the append must fail cleanly, the partition stay writable.
     */
    void forceLeftoverDeletion() throws IOException {
        if (!leftoverUnforced) {
            return;
        }
        Disk disk = context.disk();
        for (Iterator<Long> bases = failedBases.iterator(); bases.hasNext(); ) {
            long base = bases.next();
            disk.deleteIfExists(SegmentName.storeFile(dir, base));
            disk.deleteIfExists(SegmentName.indexFile(dir, base));
            bases.remove();
        }
        Directories.force(disk, dir);
        leftoverUnforced = false;
    }

    /** A directory fsync that makes a new segment's names durable. */
    @FunctionalInterface
    private interface NameForce {
        void run() throws IOException;
    }

    /**
     * Runs {@code force}; when it fails, deletes the new segment's files: the caller never sees the
     * segment, so its rollback cannot remove it, and left behind a full segment it would make recovery
     * count records the full one no longer holds. The deletion is not durable: when the force could
     * not open the directory (a descriptor shortage, retryable) the partition stays writable, so the
     * deletion is forced before anything more is appended ({@link #forceLeftoverDeletion}).
     */
    private void forceOrDelete(Segment segment, NameForce force) throws IOException {
        try {
            force.run();
        } catch (IOException e) {
            leftoverUnforced = true;
            failedBases.add(segment.base());
            try {
                segment.deleteFiles();
            } catch (IOException | RuntimeException cleanup) {
                e.addSuppressed(cleanup);
            }
            throw e;
        }
    }

    /**
     * Forces the partition's directories if files or directories were created without: before a clean
     * close only those below {@code DATA_DIR}, which the close forces once for all; with
     * {@code andDataDir} (the flusher, the first roll under {@code never}, a truncation) that one too
     * when the partition's directories are new. Any thread; names created while it runs may be left
     * for the next call.
     */
    void forceNames(boolean andDataDir) throws IOException {
        long created = namesCreated;
        if (namesForced.get() >= created) {
            return;
        }
        forceBelowDataDir();
        if (andDataDir && directoriesUnforced) {
            context.dataDirForce().force();
            directoriesUnforced = false;
        }
        namesForced.accumulateAndGet(created, Math::max);
    }

    /** Forces the partition's directory and those above it, up to {@code DATA_DIR} (not that one). */
    private void forceBelowDataDir() throws IOException {
        Path root = context.config().dataDir();
        for (Path d = dir; d != null && d.startsWith(root) && !d.equals(root); d = d.getParent()) {
            Directories.force(context.disk(), d);
        }
    }
}
