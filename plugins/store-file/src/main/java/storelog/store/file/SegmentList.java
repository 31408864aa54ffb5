package storelog.store.file;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * A partition's segments in offset order, the last one active, and the offset its next append gets.
 * The segment array is never changed in place: a change publishes a new one through a volatile field,
 * so readers take a snapshot without the partition lock. Everything else is read and changed under
 * that lock.
 */
final class SegmentList {

    private static final Segment[] NONE = new Segment[0];

    private final Disk disk;
    private final Path dir;
    private volatile Segment[] segments = NONE;
    private long nextOffset;

    /** The segments of the partition in {@code dir} on {@code disk}: none until {@link #load}. */
    SegmentList(Disk disk, Path dir) {
        this.disk = disk;
        this.dir = dir;
    }

    /** The segments, a snapshot (any thread). */
    Segment[] all() {
        return segments;
    }

    /** The segment appended to, or null when the partition has none (any thread). */
    Segment active() {
        Segment[] all = segments;
        return all.length == 0 ? null : all[all.length - 1];
    }

    /** The offset the next append gets (lock held). */
    long nextOffset() {
        return nextOffset;
    }

    /** Records below {@code next} are written, the next append gets {@code next} (lock held). */
    void setNextOffset(long next) {
        nextOffset = next;
    }

    /** Where the log stands now (lock held). */
    LogMark mark() {
        return LogMark.of(segments, nextOffset);
    }

    /** The segments found on disk when the partition loaded (lock held); the next offset follows the last one's records. */
    void load(List<Segment> found) {
        segments = found.toArray(NONE);
        nextOffset = found.isEmpty() ? 0 : found.getLast().end();
    }

    /** Adds {@code next}, the new active segment (lock held). */
    Segment add(Segment next) {
        Segment[] grown = Arrays.copyOf(segments, segments.length + 1);
        grown[grown.length - 1] = next;
        segments = grown;
        return next;
    }

    /** Cuts the log back to {@code to} ({@link LogMark#rollBack}) and takes its next offset (lock held). */
    void rollBack(LogMark to) throws IOException {
        segments = to.rollBack(segments, disk);
        nextOffset = to.nextOffset();
    }

    /**
     * Cuts the segments so that {@code from} is the next offset ({@link SegmentTruncation}; lock held).
     * The next offset is left to the caller, which sets it whether or not the cut completed.
     */
    void truncate(long from) throws IOException {
        segments = SegmentTruncation.truncate(segments, from, disk, dir);
    }
}
