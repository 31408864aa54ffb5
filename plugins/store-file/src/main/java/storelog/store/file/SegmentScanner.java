package storelog.store.file;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a store file frame by frame and tells <em>damage</em> from a <em>torn tail</em>.
 *
 * <p>A frame that fails its checks starts a damaged stretch. The scan then looks for where intact
 * records start again (it <em>resynchronises</em>): byte by byte from the damage on, for a position
 * where a whole frame with a valid CRC-32C carries a later offset {@code j} — the checksum covers the
 * length and the offset, so a frame found this way is one, and the offsets between are the damaged
 * records. Cheap checks come first (a plausible length, and an offset that fits: the {@code j - k}
 * damaged records take at least {@value Frame#HEADER_SIZE} bytes each), so the CRC is computed only at
 * rare candidates; the search moves forward only, so a scan reads each byte about once.
 *
 * <p>A payload may itself contain a valid frame (a record that stores log frames). Such a candidate is
 * taken only when confirmed:
 * <ul>
 *   <li>by the index: the index entry of offset {@code j} is intact (entries are checksummed with
 *       their slot) and points exactly there; an intact entry pointing elsewhere refutes it;</li>
 *   <li>or, when the index has no intact entry for {@code j}, by what follows: a valid frame of
 *       {@code j + 1} right after it, or the end of the data. Should a later valid frame then carry an
 *       offset the resync already assigned (the real frames after a fake one), the scan goes back and
 *       searches on past the fake (at most {@value #BACKTRACKS} times per scan).</li>
 * </ul>
 *
 * <p>When nothing intact follows the damage, the damage is the tail: records the segment is known to
 * hold ({@code known}) get placeholders and count as damaged; after them, the bytes are a torn tail
 * (a write cut short by a crash, never acknowledged under {@code FSYNC=always}), which the caller may cut.
 * So is an incomplete batch at the end of the active segment ({@link BatchTail}).
 */
final class SegmentScanner {

    /** How often a scan may go back to an unconfirmed resync that later frames contradicted. */
    static final int BACKTRACKS = 16;

    private final StoreWindow store;
    private final BufferedFile index;
    private final long base;
    private final long known;
    private final long limit;
    private final long size;
    private final List<IndexEntry> entries = new ArrayList<>();
    private final List<SegmentScan.Corruption> corrupt = new ArrayList<>();
    /** The last resync that nothing but the following frame confirmed, or null. */
    private Resync unconfirmed;
    /** Set by a search that met a valid frame with an offset {@link #unconfirmed} already gave away. */
    private boolean contradicted;
    /** The resync the last backtrack undid. */
    private Resync undone;
    private int backtracks;

    /** Where records start again after damage that began at {@code damageStart} with record {@code firstOffset}. */
    private record Resync(long damageStart, long firstOffset, String problem, long position, long offset,
                          int entriesBefore, int corruptBefore) {
    }

    /**
     * Scans the flushed part of a store file.
     *
     * @param index  the segment's index, or null: its intact entries confirm frames found past damage
     * @param known  records the segment is known to hold (a closed segment's count, or what a cleanly
     *               closed active segment's forced index lists): those are never torn off, the ones
     *               that cannot be found become damaged records
     * @param limit  the segment holds no record at or after {@code base + limit} (a closed segment's
     *               count), or {@link Long#MAX_VALUE} (the active segment: then the scan ends at its last
     *               complete batch, an incomplete one at its end is part of the torn tail, {@link BatchTail})
     */
    static SegmentScan scan(BufferedFile store, BufferedFile index, long base, long known, long limit) throws IOException {
        SegmentScan scan = new SegmentScanner(new StoreWindow(store), index, base, known, limit).scan();
        return limit == Long.MAX_VALUE ? BatchTail.cut(scan, store, base) : scan;
    }

    /** A closed segment of {@code count} records. */
    static SegmentScan scanClosed(BufferedFile store, BufferedFile index, long base, long count) throws IOException {
        return scan(store, index, base, count, count);
    }

    private SegmentScanner(StoreWindow store, BufferedFile index, long base, long known, long limit) {
        this.store = store;
        this.index = index;
        this.base = base;
        this.known = known;
        this.limit = limit;
        this.size = store.size();
    }

    private SegmentScan scan() throws IOException {
        long position = FileHeader.SIZE;
        while (position < size && entries.size() < limit) {
            long offset = base + entries.size();
            int length = intactFrameAt(position, offset);
            if (length > 0) {
                entries.add(new IndexEntry(position, length));
                position += length;
                continue;
            }
            Resync resync;
            if (unconfirmed != null && contradicts(position, offset)) {
                resync = backtrack();
            } else {
                String problem = problemAt(position, offset);
                resync = resync(position, offset, problem, position + 1);
                if (resync == null && !contradicted) {
                    return tail(position, problem);
                }
                if (resync == null) {
                    resync = backtrack();
                }
            }
            if (resync == null) { // nothing intact after the damage the undone resync had skipped
                return tail(undone.damageStart(), undone.problem());
            }
            position = resume(resync);
        }
        if (entries.size() < known) {
            return tail(position, "the store ends at byte " + size);
        }
        return new SegmentScan(entries, corrupt, position,
                position < size ? (size - position) + " bytes after the last record" : null, -1);
    }

    /** The damage reaches the end: known records get placeholders, the rest is a torn tail. */
    private SegmentScan tail(long position, String problem) throws IOException {
        long missingFrom = -1;
        long end = position;
        if (entries.size() < known) {
            missingFrom = base + entries.size();
            end = Math.max(position, size); // a file shorter than its header: nothing at all is left
            markDamaged(missingFrom, base + known, position, end, problem);
        }
        return new SegmentScan(entries, corrupt, end, end < size ? problem + " at byte " + end : null, missingFrom);
    }

    /** Marks the records a resync skipped as damaged; returns where scanning goes on. */
    private long resume(Resync resync) throws IOException {
        markDamaged(resync.firstOffset(), resync.offset(), resync.damageStart(), resync.position(), resync.problem());
        return resync.position();
    }

    /**
     * The first confirmed frame of a later offset at or after {@code from}, or null when there is none.
     * Offsets between {@code offset} and the frame found are the damaged records.
     */
    private Resync resync(long damageStart, long offset, String problem, long from) throws IOException {
        int entriesBefore = entries.size();
        int corruptBefore = corrupt.size();
        contradicted = false;
        for (long q = from; q + Frame.HEADER_SIZE <= size; q++) {
            int length = store.intAt(q);
            if (length < Frame.HEADER_SIZE || length - Frame.HEADER_SIZE > Frame.MAX_PAYLOAD || q + length > size) {
                continue;
            }
            long j = store.longAt(q + 8);
            if (unconfirmed != null && backtracks < BACKTRACKS && j > unconfirmed.firstOffset() && j <= offset
                    && intactFrameAt(q, j) == length) {
                contradicted = true; // a real frame of an offset the last unconfirmed resync gave to a fake
                return null;
            }
            if (j <= offset || j - base >= limit || j > offset + (q - damageStart) / Frame.HEADER_SIZE
                    || intactFrameAt(q, j) != length) {
                continue;
            }
            IndexEntry listed = indexEntry(j);
            if (listed != null) {
                if (listed.position() == q && listed.length() == length) {
                    unconfirmed = null;
                    return new Resync(damageStart, offset, problem, q, j, entriesBefore, corruptBefore);
                }
                continue; // the index says frame j is elsewhere: this one is inside some payload
            }
            long next = q + length;
            if (next == size || j + 1 - base == limit || intactFrameAt(next, j + 1) > 0) {
                Resync resync = new Resync(damageStart, offset, problem, q, j, entriesBefore, corruptBefore);
                unconfirmed = resync;
                return resync;
            }
        }
        return null;
    }

    /** Whether a valid frame at {@code position} carries an offset the last unconfirmed resync already gave away. */
    private boolean contradicts(long position, long offset) throws IOException {
        if (backtracks >= BACKTRACKS || position + Frame.HEADER_SIZE > size) {
            return false;
        }
        long m = store.longAt(position + 8);
        return m > unconfirmed.firstOffset() && m < offset && intactFrameAt(position, m) > 0;
    }

    /**
     * Undoes the unconfirmed resync that later frames contradicted and searches on past the frame it
     * had taken; null when nothing is there.
     */
    private Resync backtrack() throws IOException {
        undone = unconfirmed;
        backtracks++;
        entries.subList(undone.entriesBefore(), entries.size()).clear();
        corrupt.subList(undone.corruptBefore(), corrupt.size()).clear();
        unconfirmed = null;
        return resync(undone.damageStart(), undone.firstOffset(), undone.problem(), undone.position() + 1);
    }

    /**
     * Records {@code from} to {@code to - 1} lie, damaged, in the bytes {@code [start, end)}. Each gets
     * its intact index entry when that lies there in order, the whole stretch when it is alone, else a
     * placeholder at {@code start}.
     */
    private void markDamaged(long from, long to, long start, long end, String problem) throws IOException {
        long floor = start;
        for (long o = from; o < to; o++) {
            IndexEntry listed = indexEntry(o);
            IndexEntry entry;
            if (listed != null && listed.position() >= floor && listed.end() <= end) {
                entry = listed;
                floor = listed.end();
            } else if (to - from == 1 && end - start <= Integer.MAX_VALUE) {
                entry = new IndexEntry(start, (int) (end - start));
            } else {
                entry = new IndexEntry(start, 0);
            }
            entries.add(entry);
            corrupt.add(new SegmentScan.Corruption(o, entry.position(), o == from ? problem
                    : "in the damaged bytes " + start + " to " + end));
        }
    }

    /** The length of the intact frame of {@code offset} at {@code position}, or 0 when there is none. */
    private int intactFrameAt(long position, long offset) throws IOException {
        if (position + Frame.HEADER_SIZE > size) {
            return 0;
        }
        int length = store.intAt(position);
        if (length < Frame.HEADER_SIZE || length - Frame.HEADER_SIZE > Frame.MAX_PAYLOAD || position + length > size) {
            return 0;
        }
        ByteBuffer frame = store.bytes(position, length);
        return Frame.problem(frame, frame.position(), length, offset) == null ? length : 0;
    }

    /** Why there is no intact frame of {@code offset} at {@code position}. */
    private String problemAt(long position, long offset) throws IOException {
        if (size - position < Frame.HEADER_SIZE) {
            return "torn frame header";
        }
        int length = store.intAt(position);
        if (length < Frame.HEADER_SIZE || length - Frame.HEADER_SIZE > Frame.MAX_PAYLOAD) {
            return "impossible frame length " + length;
        }
        if (position + length > size) {
            return "frame of " + length + " bytes passes the end of the file";
        }
        ByteBuffer frame = store.bytes(position, length);
        return Frame.problem(frame, frame.position(), length, offset);
    }

    /** The intact index entry of record {@code offset}, or null (no index, beyond it, or failing its checksum). */
    private IndexEntry indexEntry(long offset) throws IOException {
        long slot = offset - base;
        long at = IndexEntry.positionOf(slot);
        if (index == null || at + IndexEntry.SIZE > index.flushedSize()) {
            return null;
        }
        ByteBuffer entry = ByteBuffer.allocate(IndexEntry.SIZE);
        index.read(at, entry);
        return IndexEntry.decode(entry.flip(), 0, slot);
    }
}
