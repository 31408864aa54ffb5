package storelog.store.file;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicReference;
import storelog.api.PartitionKey;

/**
 * Starts a partition's segments: the first one (creating the partition's directory) and each next
 * one when the active segment is full. The full segment is flushed and sealed; its fsync is part of
 * the roll under {@code FSYNC=always} and handed to the {@link Flusher} otherwise, with at most one
 * sealed segment per partition waiting for it (an earlier one still waiting is forced at the next
 * roll). So after any crash only the active and the last sealed segment can be incomplete, and
 * recovery checks exactly those ({@link PartitionRecovery}).
 *
 * <p>{@link #first} and {@link #roll} run under the partition's lock; {@link #syncSealed} on the
 * flusher's thread.
 */
final class SegmentRoller {

    private final PartitionKey key;
    private final Path dir;
    private final StoreContext context;
    private final AtomicReference<Segment> sealPending = new AtomicReference<>();

    SegmentRoller(PartitionKey key, Path dir, StoreContext context) {
        this.key = key;
        this.dir = dir;
        this.context = context;
    }

    private boolean syncs() {
        return context.config().fsync().mode() != FsyncPolicy.Mode.NEVER;
    }

    /** The partition's first segment, at {@code base}; its directory (and parents) are created durably. */
    Segment first(long base) throws IOException {
        Files.createDirectories(dir);
        if (syncs()) {
            Path root = context.config().dataDir();
            for (Path d = dir.getParent(); d != null && d.startsWith(root); d = d.getParent()) {
                Directories.force(d);
            }
        }
        return create(base);
    }

    /** Seals {@code previous} and starts the next segment at {@code base}. */
    Segment roll(Segment previous, long base, PartitionLog owner) throws IOException {
        boolean always = context.config().fsync().mode() == FsyncPolicy.Mode.ALWAYS;
        previous.flush();
        if (always) {
            previous.store().force();
            previous.index().force();
        } else {
            forcePending();
        }
        Segment next = create(base);
        previous.seal();
        if (!always) {
            sealPending.set(previous);
            context.flusher().scheduleSealSync(owner);
        }
        return next;
    }

    private Segment create(long base) throws IOException {
        Segment segment = Segment.create(key, dir, base, context.files(), syncs());
        if (syncs()) {
            Directories.force(dir);
        }
        return segment;
    }

    /** The flusher's fsync of the segment sealed by the last roll, if it still waits. */
    void syncSealed() throws IOException {
        Segment sealed = sealPending.get();
        if (sealed != null) {
            force(sealed);
            sealPending.compareAndSet(sealed, null);
        }
    }

    /** Forces the sealed segment that still waits, now (before a roll, a truncation, a close). */
    void forcePending() throws IOException {
        Segment sealed = sealPending.getAndSet(null);
        if (sealed != null) {
            force(sealed);
        }
    }

    private static void force(Segment sealed) throws IOException {
        sealed.store().force();
        sealed.index().force();
    }
}
