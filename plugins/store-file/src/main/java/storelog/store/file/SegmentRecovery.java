package storelog.store.file;

import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * Bringing a segment's files back to agreement at start-up: the cheap check of a cleanly closed
 * active segment, the full recovery of the active segment (cut a torn tail, keep damaged records in
 * place, rebuild the index from the store), and the check of a sealed segment for a lost tail. The
 * store is the truth; the index is derived, and its intact entries help find records past damage.
 *
 * <p>Runs under the partition's lock, before the partition is visible to anyone.
 */
final class SegmentRecovery {

    private static final Logger LOG = System.getLogger(SegmentRecovery.class.getName());
    /** How far after the store's header the last frame may start for {@link #cheapCount} to read both at once. */
    static final int NEAR_HEADER = 4096;

    private SegmentRecovery() {
    }

    /**
     * Makes the active (last) segment consistent and sets its record count. After a clean shutdown a
     * cheap check suffices; when it fails the segment is scanned, and the records its index lists
     * (forced before the marker was written) are kept even where damaged. After a crash the segment is
     * scanned and a damaged tail that no intact record follows is cut: a write the crash cut short; so is an
     * incomplete batch at the end ({@link BatchTail}).
     */
    static void recoverActive(Segment segment, boolean cleanShutdown) throws IOException {
        recoverActive(segment, cleanShutdown, false);
    }

    /**
     * As {@link #recoverActive(Segment, boolean)}; with {@code cutAtDamage} (after a crash under
     * {@code FSYNC=interval|never}) the segment is also cut at its first damaged record: its bytes may
     * never have been forced, so damage there is a write the power cut tore, and the intact records
     * after it cannot stay (what survives must be a prefix of what was acknowledged).
     */
    static void recoverActive(Segment segment, boolean cleanShutdown, boolean cutAtDamage) throws IOException {
        long known = 0;
        if (cleanShutdown) {
            long count = cheapCount(segment);
            if (count >= 0) {
                segment.resetCount(count);
                return;
            }
            known = SegmentIndex.listedCount(segment.index());
            LOG.log(Level.WARNING, "{0}: the store and index of a cleanly closed segment disagree; scanning it", segment);
        }
        BufferedFile store = segment.store();
        String header = FileHeader.STORE.problemIn(store, segment.base());
        if (header != null) {
            LOG.log(Level.WARNING, "{0}: rewriting a damaged store header ({1}); the frames after it are kept", segment, header);
            rewriteStoreHeader(segment);
        }
        SegmentScan scan = SegmentScanner.scan(store, segment.index(), segment.base(), known, Long.MAX_VALUE);
        if (cutAtDamage && !scan.corrupt().isEmpty()) {
            scan = cutAtFirstDamage(segment, scan);
        } else if (scan.hasTornTail()) {
            LOG.log(Level.WARNING, "{0}: truncating a torn tail of {1} bytes at byte {2} ({3}); no intact record follows it, "
                    + "so it held none from offset {4} on", segment, store.flushedSize() - scan.validEnd(), scan.validEnd(),
                    scan.tailProblem(), segment.base() + scan.entries().size());
            store.truncate(scan.validEnd());
        }
        logDamage(segment, scan);
        writeIndexIfDifferent(segment, scan);
        segment.resetCount(scan.entries().size());
    }

    /**
     * The record count if the segment's files agree after a clean shutdown, else -1: every index
     * entry intact and chained frame to frame, the last one ending where the store ends, and the last
     * frame intact and the last of its batch. Reads the active index whole (bounded by one segment)
     * and the store's header and last frame — one read each when the frame starts within
     * {@link #NEAR_HEADER} bytes of the header (a cold partition's first use), no other store data.
     */
    static long cheapCount(Segment segment) throws IOException {
        BufferedFile store = segment.store();
        BufferedFile index = segment.index();
        long indexSize = index.flushedSize();
        if (indexSize < FileHeader.SIZE || (indexSize - FileHeader.SIZE) % IndexEntry.SIZE != 0
                || store.flushedSize() < FileHeader.SIZE) {
            return -1;
        }
        ByteBuffer indexBytes = ByteBuffer.allocate((int) indexSize);
        index.read(0, indexBytes);
        indexBytes.flip();
        if (FileHeader.INDEX.problem(indexBytes, segment.base()) != null) {
            return -1;
        }
        long count = (indexSize - FileHeader.SIZE) / IndexEntry.SIZE;
        IndexEntry last = null;
        long expectedPosition = FileHeader.SIZE;
        for (int i = 0; i < count; i++) {
            last = IndexEntry.decode(indexBytes, FileHeader.SIZE + i * IndexEntry.SIZE, i);
            if (last == null || last.position() != expectedPosition || last.length() < Frame.HEADER_SIZE) {
                return -1;
            }
            expectedPosition = last.end();
        }
        if (expectedPosition != store.flushedSize()) {
            return -1;
        }
        boolean oneRead = last == null || last.position() - FileHeader.SIZE <= NEAR_HEADER;
        ByteBuffer head = ByteBuffer.allocate(oneRead && last != null ? (int) last.end() : FileHeader.SIZE);
        store.read(0, head);
        head.flip();
        if (FileHeader.STORE.problem(head, segment.base()) != null) {
            return -1;
        }
        if (last == null) {
            return 0;
        }
        ByteBuffer frame = head;
        int at = (int) last.position();
        if (!oneRead) {
            frame = ByteBuffer.allocate(last.length());
            store.read(last.position(), frame);
            frame.flip();
            at = 0;
        }
        return Frame.problem(frame, at, last.length(), segment.base() + count - 1) == null && !Frame.more(frame, at) ? count : -1;
    }

    /**
     * Truncates the store before the first damaged record of {@code scan}, and before the batch that
     * record's loss leaves incomplete; returns the scan of what is left.
     */
    private static SegmentScan cutAtFirstDamage(Segment segment, SegmentScan scan) throws IOException {
        SegmentScan.Corruption first = scan.corrupt().getFirst();
        int before = (int) (first.offset() - segment.base());
        long end = before == 0 ? FileHeader.SIZE : scan.entries().get(before - 1).end();
        SegmentScan cut = BatchTail.cut(new SegmentScan(scan.entries().subList(0, before), List.of(), end, null, -1),
                segment.store(), segment.base());
        long kept = cut.entries().size();
        LOG.log(Level.WARNING, "{0}: cutting the log at offset {1} ({2}): after a crash under FSYNC=interval|never a damaged "
                + "record in unsynced bytes is a torn write, so the {3} records from offset {4} on are gone (the damaged one, "
                + "those after it, and the rest of its batch)", segment, first.offset(), first.problem(),
                scan.entries().size() - kept, segment.base() + kept);
        segment.store().truncate(cut.validEnd());
        return new SegmentScan(cut.entries(), List.of(), cut.validEnd(), null, -1);
    }

    /**
     * Whether a recent sealed segment still holds all its records after a crash: true when each one is
     * there and intact, false when records at its end are missing with nothing intact after them — a
     * tail lost with an fsync that had not run yet — or when any record is damaged: its bytes may never
     * have been forced, so damage is a torn write. Every frame is read: the pages of an unforced
     * segment reach the disk in any order, so an intact index and last frame say nothing of the frames
     * before. Its index is rebuilt when it disagrees.
     */
    static boolean isComplete(Segment sealed) throws IOException {
        SegmentScan scan = SegmentScanner.scanClosed(sealed.store(), sealed.index(), sealed.base(), sealed.count());
        if (scan.missingFrom() >= 0 || !scan.corrupt().isEmpty()) {
            return false;
        }
        logDamage(sealed, scan);
        writeIndexIfDifferent(sealed, scan);
        return true;
    }

    private static void logDamage(Segment segment, SegmentScan scan) {
        if (!scan.corrupt().isEmpty()) {
            LOG.log(Level.ERROR, "{0}: {1} are kept in place, reads of them fail; run verify", segment, scan.describeCorrupt());
        }
    }

    private static void writeIndexIfDifferent(Segment segment, SegmentScan scan) throws IOException {
        String mismatch = SegmentIndex.mismatch(segment.index(), segment.base(), scan.entries());
        if (mismatch != null) {
            SegmentIndex.write(segment.index(), segment.base(), scan.entries(), mismatch);
        }
    }

    /**
     * Writes a good store header over a damaged one, in place: the frames after it carry their own
     * offsets and checksums and stay. Only a file shorter than a header is rewritten whole.
     */
    static void rewriteStoreHeader(Segment segment) throws IOException {
        BufferedFile store = segment.store();
        if (store.flushedSize() < FileHeader.SIZE) {
            store.truncate(0);
        }
        store.overwrite(0, FileHeader.STORE.encode(segment.base()));
    }
}
