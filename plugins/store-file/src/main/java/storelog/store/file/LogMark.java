package storelog.store.file;

import java.io.IOException;
import java.util.Arrays;

/**
 * Where a partition's log stood at some moment — how many segments, the active segment's sizes and
 * record count, the next offset — enough to roll back to it: after a failed append (to where it
 * started) or a failed group commit (to the last durable point). Used under the partition's lock.
 */
record LogMark(int segments, long storeSize, long indexSize, long count, long nextOffset) {

    static final LogMark EMPTY = new LogMark(0, 0, 0, 0, 0);

    /** The mark of a log of {@code segments} whose next offset is {@code nextOffset}. */
    static LogMark of(Segment[] segments, long nextOffset) {
        if (segments.length == 0) {
            return new LogMark(0, 0, 0, 0, nextOffset);
        }
        Segment active = segments[segments.length - 1];
        return new LogMark(segments.length, active.store().size(), active.index().size(), active.count(), nextOffset);
    }

    /**
     * Cuts {@code current} back to this mark: segments created since are deleted (durably: their
     * directory is forced, so a power cut cannot bring them back), the active one is truncated
     * (buffered bytes dropped, the file cut, its buffers released when empty) and open for appends again.
     *
     * @return the segments that remain
     */
    Segment[] rollBack(Segment[] current, Disk disk) throws IOException {
        if (segments > current.length) {
            throw new IllegalStateException("a roll-back point of " + segments + " segments, but the log has " + current.length);
        }
        for (int i = current.length - 1; i >= segments; i--) {
            current[i].deleteFiles();
        }
        if (current.length > segments) {
            Directories.force(disk, current[segments].directory());
        }
        Segment[] kept = Arrays.copyOf(current, segments);
        if (segments > 0) {
            Segment active = kept[segments - 1];
            active.unseal(); // first: no index rebuild runs while the files are cut
            active.store().truncate(storeSize);
            active.index().truncate(indexSize);
            active.resetCount(count);
            active.releaseBuffers(); // the partition may stay idle from now: what was buffered is gone
        }
        return kept;
    }
}
