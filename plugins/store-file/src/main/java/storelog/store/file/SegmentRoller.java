package storelog.store.file;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.ConcurrentLinkedDeque;
import storelog.api.PartitionKey;

/**
 * Starts a partition's segments: the first one (creating the partition's directory) and each next
 * one when the active segment is full. The full segment is flushed and sealed; its fsync is part of
 * the roll under {@code FSYNC=always} and handed to the {@link Flusher} otherwise, with at most
 * {@value #MAX_PENDING} sealed segments per partition waiting for it (when that many wait, the roll
 * forces the oldest itself). So after any crash only the active segment and the last
 * {@value #MAX_PENDING} sealed ones can be incomplete, and recovery checks exactly those
 * ({@link PartitionRecovery}).
 *
 * <p>{@link #first} and {@link #roll} run under the partition's lock; {@link #syncSealed} on the
 * flusher's thread.
 */
final class SegmentRoller {

    private final PartitionKey key;
    private final Path dir;
    private final StoreContext context;
    /** Sealed segments whose fsync may still be outstanding, at most: recovery checks this many. */
    static final int MAX_PENDING = 4;

    private final ConcurrentLinkedDeque<Segment> sealPending = new ConcurrentLinkedDeque<>();

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
        context.disk().createDirectories(dir);
        if (syncs()) {
            Path root = context.config().dataDir();
            for (Path d = dir.getParent(); d != null && d.startsWith(root); d = d.getParent()) {
                context.disk().forceDirectory(d);
            }
        }
        return create(base);
    }

    /** Seals {@code previous} and starts the next segment at {@code base}. */
    Segment roll(Segment previous, long base, PartitionLog owner) throws IOException {
        boolean always = context.config().fsync().mode() == FsyncPolicy.Mode.ALWAYS;
        previous.flush();
        if (always) {
            force(previous);
        } else {
            while (sealPending.size() >= MAX_PENDING) {
                Segment oldest = sealPending.peekFirst();
                force(oldest);
                sealPending.remove(oldest);
            }
        }
        Segment next = create(base);
        previous.seal();
        if (!always) {
            sealPending.addLast(previous);
            context.flusher().scheduleSealSync(owner);
        }
        return next;
    }

    private Segment create(long base) throws IOException {
        Segment segment = Segment.create(key, dir, base, context.files(), syncs());
        if (syncs()) {
            context.disk().forceDirectory(dir);
        }
        return segment;
    }

    /** The flusher's fsync of the sealed segments still waiting, oldest first. */
    void syncSealed() throws IOException {
        for (Segment sealed = sealPending.peekFirst(); sealed != null; sealed = sealPending.peekFirst()) {
            force(sealed);
            sealPending.remove(sealed);
        }
    }

    /** Forces the sealed segments still waiting, now (before a truncation, a close). */
    void forcePending() throws IOException {
        syncSealed();
    }

    private static void force(Segment sealed) throws IOException {
        sealed.store().force();
        sealed.index().force();
    }
}
