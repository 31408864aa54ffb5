package storelog.store.file;

import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * A segment's {@code .index} as what it is, data derived from the {@code .store}: checked against
 * what the store holds, and rebuilt from it (atomically: a temporary file renamed over the old one)
 * when it disagrees. Works on the two files alone, so segments, recovery and {@code verify} share it.
 */
final class SegmentIndex {

    private static final Logger LOG = System.getLogger(SegmentIndex.class.getName());

    private SegmentIndex() {
    }

    /** Null when a closed segment's index has a good header and exactly {@code count} entries, else what is wrong. */
    static String problem(BufferedFile index, long base, long count) throws IOException {
        String header = headerProblem(index, base);
        if (header != null) {
            return header;
        }
        long expected = IndexEntry.positionOf(count);
        return index.flushedSize() == expected ? null
                : "the index is " + index.flushedSize() + " bytes long, " + expected + " expected for " + count + " records";
    }

    /** Entries read at once when looking for the last intact one. */
    private static final int CHUNK = 256;

    /**
     * How many records the index lists: up to its last intact entry (entries are checksummed with
     * their slot, so garbage after the real ones does not count). Reads backwards from the end, usually
     * one entry.
     */
    static long listedCount(BufferedFile index) throws IOException {
        long slots = Math.max(0, (index.flushedSize() - FileHeader.SIZE) / IndexEntry.SIZE);
        ByteBuffer chunk = ByteBuffer.allocate(CHUNK * IndexEntry.SIZE);
        for (long end = slots; end > 0; end -= CHUNK) {
            long from = Math.max(0, end - CHUNK);
            chunk.clear().limit((int) ((end - from) * IndexEntry.SIZE));
            index.read(IndexEntry.positionOf(from), chunk);
            for (long slot = end - 1; slot >= from; slot--) {
                if (IndexEntry.decode(chunk, (int) ((slot - from) * IndexEntry.SIZE), slot) != null) {
                    return slot + 1;
                }
            }
        }
        return 0;
    }

    /** Null when {@code index} holds a good header and exactly the {@code expected} entries, else the first difference. */
    static String mismatch(BufferedFile index, long base, List<IndexEntry> expected) throws IOException {
        String header = headerProblem(index, base);
        if (header != null) {
            return header;
        }
        long size = index.flushedSize();
        long entriesOnDisk = Math.min(expected.size(), (size - FileHeader.SIZE) / IndexEntry.SIZE);
        ByteBuffer all = ByteBuffer.allocate((int) (entriesOnDisk * IndexEntry.SIZE));
        index.read(FileHeader.SIZE, all);
        all.flip();
        for (int i = 0; i < entriesOnDisk; i++) {
            IndexEntry entry = IndexEntry.decode(all, i * IndexEntry.SIZE, i);
            if (!expected.get(i).equals(entry)) {
                return "index entry of record " + (base + i) + (entry == null ? " fails its checksum"
                        : " points at byte " + entry.position() + ", the frame is at " + expected.get(i).position());
            }
        }
        long expectedSize = IndexEntry.positionOf(expected.size());
        return size == expectedSize ? null : "the index is " + size + " bytes long, " + expectedSize
                + " expected for " + expected.size() + " records";
    }

    private static String headerProblem(BufferedFile index, long base) throws IOException {
        if (!index.exists()) {
            return "the index file is missing";
        }
        String header = FileHeader.INDEX.problemIn(index, base);
        return header == null ? null : "index header: " + header;
    }

    /** Replaces the index with {@code entries} (see {@link BufferedFile#replaceWith}). */
    static void write(BufferedFile index, long base, List<IndexEntry> entries, String reason) throws IOException {
        byte[] bytes = new byte[(int) IndexEntry.positionOf(entries.size())];
        FileHeader.INDEX.encode(base).get(bytes, 0, FileHeader.SIZE);
        ByteBuffer out = ByteBuffer.wrap(bytes);
        for (int i = 0; i < entries.size(); i++) {
            entries.get(i).encode(out, (int) IndexEntry.positionOf(i), i);
        }
        index.replaceWith(bytes);
        LOG.log(Level.WARNING, "{0}: rebuilt the index ({1} records) from the store: {2}", index.path(), entries.size(), reason);
    }

    /**
     * Rebuilds a closed segment's index of {@code count} records from its store; the old index's
     * intact entries help place records past damage. Damaged records keep their slots.
     */
    static void rebuild(BufferedFile store, BufferedFile index, long base, long count, String reason) throws IOException {
        SegmentScan scan = SegmentScanner.scanClosed(store, index, base, count);
        write(index, base, scan.entries(), reason);
        if (!scan.corrupt().isEmpty()) {
            LOG.log(Level.ERROR, "{0}: {1}; reads of them fail; run verify", store.path(), scan.describeCorrupt());
        }
    }
}
