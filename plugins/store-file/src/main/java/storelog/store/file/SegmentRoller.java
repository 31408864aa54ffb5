package storelog.store.file;

import java.io.IOException;
import java.nio.file.Path;
import storelog.api.PartitionKey;

/**
 * Creates a partition's segments: the first one (creating the partition's directory) and each next
 * one when the active segment is full. Under {@code FSYNC=always|interval} a new segment's files and
 * its directory entry are forced before it is used; under {@code never} that waits for the next roll
 * or the clean close ({@link #forceNames(boolean)}, {@link Durability#forcesNewNames()}). What happens
 * to the full segment (its fsync) is the {@link Durability}'s business. Called under the partition's
 * lock.
 */
final class SegmentRoller {

    private final PartitionKey key;
    private final Path dir;
    private final StoreContext context;
    /** Whether new files and directories are forced when created ({@link Durability#forcesNewNames()}). */
    private final boolean syncs;
    /** Whether files or directories were created and their names not forced yet. */
    private boolean namesUnforced;
    /** Whether the partition's directories were created and their names in {@code DATA_DIR} not forced yet. */
    private boolean directoriesUnforced;

    SegmentRoller(PartitionKey key, Path dir, StoreContext context, boolean syncs) {
        this.key = key;
        this.dir = dir;
        this.context = context;
        this.syncs = syncs;
    }

    /** The partition's first segment, at {@code base}; its directory (and parents) are created, durably unless {@code never}. */
    Segment first(long base) throws IOException {
        if (!syncs) {
            Directories.create(context.disk(), dir, false);
            namesUnforced = true;
            directoriesUnforced = true;
            return create(base);
        }
        // Three fsyncs, not seven: the new files' headers are not forced on their own (the group
        // commit's fsync of the store covers its header before any acknowledgement, the index is
        // derived data recovery rebuilds), and each directory is forced once, after the files are in
        // it: the partition directory for the files' names, the ones above it up to DATA_DIR for its
        // own — DATA_DIR's fsync shared with the partitions created at the same time.
        context.disk().createDirectories(dir);
        OpenFiles files = context.files();
        Segment segment = files.withDescriptors(() -> SegmentFiles.create(key, dir, base, files, false));
        forceOrDelete(segment, () -> {
            forceBelowDataDir();
            context.dataDirForce().force();
        });
        return segment;
    }

    /**
     * The segment after a roll, at {@code base}. Under {@code never} the names created so far are
     * forced first: a power cut may then lose the newest segment's name only, never an older one's
     * while a newer one survives (which would leave a hole no recovery check looks for).
     */
    Segment next(long base) throws IOException {
        if (!syncs) {
            forceNames(true);
        }
        return create(base);
    }

    /** A new, empty segment at {@code base}. */
    private Segment create(long base) throws IOException {
        OpenFiles files = context.files();
        Segment segment = files.withDescriptors(() -> SegmentFiles.create(key, dir, base, files, syncs));
        if (syncs) {
            forceOrDelete(segment, () -> Directories.force(context.disk(), dir));
        } else {
            namesUnforced = true;
        }
        return segment;
    }

    /** A directory fsync that makes a new segment's names durable. */
    @FunctionalInterface
    private interface NameForce {
        void run() throws IOException;
    }

    /**
     * Runs {@code force}; when it fails, deletes the new segment's files: the caller never sees the
     * segment, so its rollback cannot remove it, and left behind a full segment it would make recovery
     * count records the full one no longer holds.
     */
    private static void forceOrDelete(Segment segment, NameForce force) throws IOException {
        try {
            force.run();
        } catch (IOException e) {
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
     * {@code andDataDir} (a roll under {@code never}, a truncation) that one too when the partition's
     * directories are new.
     */
    void forceNames(boolean andDataDir) throws IOException {
        if (!namesUnforced) {
            return;
        }
        forceBelowDataDir();
        if (andDataDir && directoriesUnforced) {
            context.dataDirForce().force();
            directoriesUnforced = false;
        }
        namesUnforced = false;
    }

    /** Forces the partition's directory and those above it, up to {@code DATA_DIR} (not that one). */
    private void forceBelowDataDir() throws IOException {
        Path root = context.config().dataDir();
        for (Path d = dir; d != null && d.startsWith(root) && !d.equals(root); d = d.getParent()) {
            Directories.force(context.disk(), d);
        }
    }
}
