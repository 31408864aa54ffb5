package storelog.store.file;

import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;

/**
 * Bringing a segment's files back to agreement: the cheap check of a cleanly closed active segment,
 * the full recovery of the active segment after a crash (truncate a torn tail, rebuild the index from
 * the store), and index rebuilds of closed segments. The store is the truth; the index is derived.
 *
 * <p>Runs under the partition's lock, or before the partition is visible to anyone.
 */
final class SegmentRecovery {

    private static final Logger LOG = System.getLogger(SegmentRecovery.class.getName());

    private SegmentRecovery() {
    }

    /**
     * Makes the active (last) segment consistent and sets its record count. After a clean shutdown
     * a cheap check of its last record suffices; otherwise, or when that check fails, the whole
     * segment is scanned.
     */
    static void recoverActive(Segment segment, boolean cleanShutdown) throws IOException {
        if (cleanShutdown) {
            long count = cheapCount(segment);
            if (count >= 0) {
                segment.resetCount(count);
                return;
            }
            LOG.log(Level.WARNING, "{0}: the store and index of a cleanly closed segment disagree; scanning it", segment);
        }
        BufferedFile store = segment.store();
        String headerProblem = FileHeader.STORE.problemIn(store, segment.base());
        SegmentScan scan = SegmentScan.of(store, segment.base(), -1);
        if (headerProblem != null) {
            repairStoreHeader(segment, headerProblem, scan);
            scan = SegmentScan.of(store, segment.base(), -1);
        }
        if (scan.hasTornTail()) {
            LOG.log(Level.WARNING, "{0}: truncating a torn tail of {1} bytes at byte {2} ({3}); it held no complete record from offset {4} on",
                    segment, store.flushedSize() - scan.validEnd(), scan.validEnd(), scan.tailProblem(),
                    segment.base() + scan.entries().size());
            store.truncate(scan.validEnd());
        }
        for (SegmentScan.Corruption c : scan.corrupt()) {
            LOG.log(Level.ERROR, "{0}: record {1} at byte {2} is corrupt ({3}); it is kept in place and reads of it fail; run verify",
                    segment, c.offset(), c.position(), c.problem());
        }
        String indexProblem = SegmentIndex.mismatch(segment.index(), segment.base(), scan.entries());
        if (indexProblem != null) {
            SegmentIndex.write(segment.index(), segment.base(), scan.entries(), indexProblem);
        }
        segment.resetCount(scan.entries().size());
        store.force();
    }

    /**
     * The record count if the segment's files agree after a clean shutdown, else -1: every index
     * entry intact and chained frame to frame, the last one ending where the store ends, and the last
     * frame intact. Reads the active index (bounded by one segment) and one frame, no other store data.
     */
    static long cheapCount(Segment segment) throws IOException {
        BufferedFile store = segment.store();
        BufferedFile index = segment.index();
        long indexSize = index.flushedSize();
        if (indexSize < FileHeader.SIZE || (indexSize - FileHeader.SIZE) % IndexEntry.SIZE != 0
                || FileHeader.INDEX.problemIn(index, segment.base()) != null
                || FileHeader.STORE.problemIn(store, segment.base()) != null) {
            return -1;
        }
        long count = (indexSize - FileHeader.SIZE) / IndexEntry.SIZE;
        ByteBuffer entries = ByteBuffer.allocate((int) (count * IndexEntry.SIZE));
        index.read(FileHeader.SIZE, entries);
        entries.flip();
        IndexEntry last = null;
        long expectedPosition = FileHeader.SIZE;
        for (int i = 0; i < count; i++) {
            last = IndexEntry.decode(entries, i * IndexEntry.SIZE, i);
            if (last == null || last.position() != expectedPosition || last.length() < Frame.HEADER_SIZE) {
                return -1;
            }
            expectedPosition = last.end();
        }
        if (expectedPosition != store.flushedSize()) {
            return -1;
        }
        if (last == null) {
            return 0;
        }
        ByteBuffer frame = ByteBuffer.allocate(last.length());
        store.read(last.position(), frame);
        return Frame.problem(frame.flip(), 0, last.length(), segment.base() + count - 1) == null ? count : -1;
    }

    /**
     * Whether a sealed segment holds all its records ({@code count}), each present (a corrupt frame
     * in the middle still counts as present); its index is rebuilt when it disagrees.
     */
    static boolean isComplete(Segment sealed) throws IOException {
        if (cheapCount(sealed) == sealed.count()) {
            return true;
        }
        SegmentScan scan = SegmentScan.of(sealed.store(), sealed.base(), sealed.count());
        if (scan.entries().size() != sealed.count() || scan.hasTornTail()) {
            return false;
        }
        String mismatch = SegmentIndex.mismatch(sealed.index(), sealed.base(), scan.entries());
        if (mismatch != null) {
            SegmentIndex.write(sealed.index(), sealed.base(), scan.entries(), mismatch);
        }
        return true;
    }

    /**
     * A damaged store header of the active segment: rewritten when intact frames of the right offsets
     * follow it (they carry their own offsets and checksums) or when the file holds nothing else.
     */
    private static void repairStoreHeader(Segment segment, String problem, SegmentScan scan) throws IOException {
        rewriteStoreHeader(segment, !scan.entries().isEmpty());
        LOG.log(Level.WARNING, "{0}: rewrote a damaged store header ({1}); {2} intact records follow it",
                segment, problem, scan.entries().size());
    }

    /** Writes a good store header; without {@code keepFrames} the file is emptied first. */
    static void rewriteStoreHeader(Segment segment, boolean keepFrames) throws IOException {
        BufferedFile store = segment.store();
        if (!keepFrames) {
            store.truncate(0);
        }
        store.overwrite(0, FileHeader.STORE.encode(segment.base()));
    }
}
