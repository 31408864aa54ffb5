package storelog.store.file;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * Where an active segment's records end when its last batch is incomplete: the intact frames at its
 * end whose last one is marked {@link Frame#MORE} are the start of a batch whose other frames never
 * reached the file (a crash cut the write short, or the append failed). No such batch was ever
 * acknowledged — an append is acknowledged only once all its frames are written (and, under
 * {@code FSYNC=always}, forced) — so its records go together, exactly like a torn tail: a batch is all
 * or nothing, also across a crash.
 *
 * <p>A damaged record stops the cut: its flag is unknown, so it may end a batch that was acknowledged;
 * it keeps its offset and only the intact flagged frames after it go. A batch never starts in an earlier
 * segment ({@link Frame}: a segment holds whole batches), so the cut stays inside the segment.
 */
final class BatchTail {

    private BatchTail() {
    }

    /**
     * {@code scan} of the active segment at {@code base}, ending at its last complete batch: an
     * incomplete batch at its end becomes part of its torn tail (the records from the batch's first
     * frame on, and the bytes after them).
     */
    static SegmentScan cut(SegmentScan scan, BufferedFile store, long base) throws IOException {
        List<IndexEntry> entries = scan.entries();
        int floor = scan.corrupt().isEmpty() ? 0 : (int) (scan.corrupt().getLast().offset() - base) + 1;
        int kept = entries.size();
        while (kept > floor && more(store, entries.get(kept - 1))) {
            kept--;
        }
        if (kept == entries.size()) {
            return scan;
        }
        String incomplete = "an incomplete batch (records " + (base + kept) + " to " + (base + entries.size() - 1)
                + ", the last one announcing more)";
        return new SegmentScan(List.copyOf(entries.subList(0, kept)), scan.corrupt(), entries.get(kept).position(),
                scan.hasTornTail() ? incomplete + ", then " + scan.tailProblem() : incomplete, scan.missingFrom());
    }

    /** Whether the intact frame at {@code entry} announces more records of its batch. */
    private static boolean more(BufferedFile store, IndexEntry entry) throws IOException {
        ByteBuffer header = ByteBuffer.allocate(Frame.HEADER_SIZE);
        store.read(entry.position(), header);
        return Frame.more(header.flip(), 0);
    }
}
