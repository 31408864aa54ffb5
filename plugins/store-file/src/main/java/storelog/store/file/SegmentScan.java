package storelog.store.file;

import java.util.List;

/**
 * What a full read of a {@code .store} file found, frame by frame: the truth from which recovery,
 * index rebuilds and {@code verify} work. Made by {@link SegmentScanner}, which says how damage
 * is told apart from a torn tail.
 *
 * @param entries     one entry per record, in offset order: intact frames, and for a damaged record
 *                    where its frame was (from the index or the resync) or a placeholder of length 0
 *                    at the start of the damaged bytes when its exact place is unknown
 * @param corrupt     the damaged records (offset, position, problem); reads of them fail, never skip
 * @param validEnd    where the last record found ends
 * @param tailProblem why the bytes after {@code validEnd} hold no record (a torn tail, or bytes after
 *                    a closed segment's last record), or null when there are none
 * @param missingFrom the first of the records the segment must hold that had to be given placeholders
 *                    at its end (nothing intact followed them), or -1
 */
record SegmentScan(List<IndexEntry> entries, List<Corruption> corrupt, long validEnd, String tailProblem, long missingFrom) {

    /** A damaged record: it keeps its offset, reads of it fail, {@code verify} names it. */
    record Corruption(long offset, long position, String problem) {
    }

    /** Whether bytes that hold no record follow the last record. */
    boolean hasTornTail() {
        return tailProblem != null;
    }

    /** Short description of the damaged records, for one log line. */
    String describeCorrupt() {
        StringBuilder s = new StringBuilder().append(corrupt.size()).append(corrupt.size() == 1 ? " damaged record" : " damaged records");
        long runStart = -1;
        long previous = -2;
        s.append(" (offsets ");
        for (Corruption c : corrupt) {
            if (c.offset() != previous + 1) {
                appendRun(s, runStart, previous);
                runStart = c.offset();
            }
            previous = c.offset();
        }
        appendRun(s, runStart, previous);
        return s.append(')').toString();
    }

    private static void appendRun(StringBuilder s, long from, long to) {
        if (from < 0) {
            return;
        }
        if (s.charAt(s.length() - 1) != ' ') {
            s.append(", ");
        }
        s.append(from);
        if (to > from) {
            s.append('-').append(to);
        }
    }
}
