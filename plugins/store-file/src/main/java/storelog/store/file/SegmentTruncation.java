package storelog.store.file;

import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Cutting a partition's segments back to an offset, for a follower whose log diverged from a new
 * leader's: later segments are deleted, the segment holding the offset is cut at that record's frame
 * and becomes the active one again (the record before the cut made the last of its batch); everything
 * that remains is forced. The later segments go first,
 * newest first, each deletion forced, so a power cut at any point leaves a prefix of the old log (the
 * truncation had not returned). Runs under the partition's lock.
 */
final class SegmentTruncation {

    private static final Logger LOG = System.getLogger(SegmentTruncation.class.getName());

    private SegmentTruncation() {
    }

    /** Cuts {@code all} (of the partition in {@code dir}) so {@code from} is the next offset; returns the segments that remain. */
    static Segment[] truncate(Segment[] all, long from, Disk disk, Path dir) throws IOException {
        if (all.length == 0) {
            return all;
        }
        all[all.length - 1].flush();
        int holder = all.length - 1;
        while (holder > 0 && all[holder].base() > from) {
            holder--;
        }
        int keep = from == all[holder].base() && holder > 0 ? holder : holder + 1;
        for (int i = all.length - 1; i >= keep; i--) { // newest first, each durably before the next and before the cut:
            all[i].deleteFiles(); // a power cut leaves the old log or a prefix of it, never a later segment after a
            Directories.force(disk, dir); // hole (a sealed segment cut short, or one missing, while a later one survives)
        }
        Segment last = all[keep - 1];
        last.checkIndex(); // appends will extend it in place; a damaged one is rebuilt now, while it is closed
        IndexEntry cut = from < last.end() ? last.entry(from) : null;
        last.unseal(); // before the files change: waits for a reader's rebuild, and none starts after it
        if (cut != null) {
            if (from > last.base()) {
                endBatch(last, last.entry(from - 1), from - 1);
            }
            last.store().truncate(cut.position());
            last.index().truncate(IndexEntry.positionOf(from - last.base()));
            last.resetCount(from - last.base());
        }
        last.force();
        LOG.log(Level.WARNING, "{0}: truncated to offset {1} ({2} segments removed)", dir, from, all.length - keep);
        return Arrays.copyOf(all, keep);
    }

    /**
     * Makes record {@code offset}, the new last one, the last of its batch when the truncation cuts its
     * batch after it: left marked {@link Frame#MORE}, recovery would take the records kept of that batch
     * for an incomplete one and remove them. The frame is rewritten in place and forced before the cut,
     * so a power cut leaves the old log (the batch whole) or its batch ended here, never the kept records
     * marked incomplete. A damaged frame is left as it is.
     */
    private static void endBatch(Segment segment, IndexEntry entry, long offset) throws IOException {
        if (entry.length() < Frame.HEADER_SIZE) {
            return;
        }
        ByteBuffer frame = ByteBuffer.allocate(entry.length());
        segment.store().read(entry.position(), frame);
        frame.flip();
        if (!Frame.more(frame, 0) || Frame.problem(frame, 0, entry.length(), offset) != null) {
            return;
        }
        Frame.clearMore(frame, 0, entry.length());
        segment.store().overwrite(entry.position(), frame.limit(Frame.HEADER_SIZE));
        segment.force();
    }
}
