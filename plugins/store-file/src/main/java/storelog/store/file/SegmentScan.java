package storelog.store.file;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * A full read of a {@code .store} file, frame by frame, checking every frame: the truth from which
 * recovery, index rebuilds and {@code verify} work.
 *
 * <p>A frame that fails its checks is told apart from a torn tail by what follows it: when its
 * length field leads to an intact frame of the next offset, the bad frame is a <em>corrupt record</em>
 * (kept in place, reads of it fail, {@code verify} names it; never silently skipped) and the scan
 * goes on; otherwise the store ends there: a <em>torn tail</em>, from a write cut short by a crash.
 *
 * @param entries      one entry per frame found, corrupt ones included, in offset order
 * @param corrupt      the corrupt frames (offset, position, problem)
 * @param validEnd     where the last frame found ends
 * @param tailProblem  why the bytes after {@code validEnd} are not a frame, or null when there are none
 */
record SegmentScan(List<IndexEntry> entries, List<Corruption> corrupt, long validEnd, String tailProblem) {

    private static final int WINDOW = 1 << 20;

    /** A frame in the middle of a store that fails its checks. */
    record Corruption(long offset, long position, String problem) {
    }

    /** Whether bytes follow the last frame. */
    boolean hasTornTail() {
        return tailProblem != null;
    }

    /**
     * Scans the flushed part of a store file.
     *
     * @param expectedCount the number of records a closed segment must hold, or -1 for the active one
     */
    static SegmentScan of(BufferedFile store, long baseOffset, long expectedCount) throws IOException {
        return new Scanner(store, store.flushedSize()).scan(baseOffset, expectedCount);
    }

    private static final class Scanner {
        private final BufferedFile store;
        private final long size;
        private final ByteBuffer window = ByteBuffer.allocate(WINDOW);
        private long windowStart = -1;

        Scanner(BufferedFile store, long size) {
            this.store = store;
            this.size = size;
        }

        SegmentScan scan(long base, long expectedCount) throws IOException {
            List<IndexEntry> entries = new ArrayList<>();
            List<Corruption> corrupt = new ArrayList<>();
            long position = FileHeader.SIZE;
            while (position < size) {
                long offset = base + entries.size();
                int length = lengthAt(position);
                String problem = length < 0 ? "torn frame header" : check(position, length, offset);
                if (problem == null) {
                    entries.add(new IndexEntry(position, length));
                    position += length;
                    continue;
                }
                boolean whole = length >= Frame.HEADER_SIZE && position + length <= size;
                boolean followedByFrame = whole && position + length < size && isFrame(position + length, offset + 1);
                boolean lastOfClosed = whole && position + length == size && entries.size() + 1 == expectedCount;
                if (!followedByFrame && !lastOfClosed) {
                    return new SegmentScan(entries, corrupt, position, problem + " at byte " + position);
                }
                corrupt.add(new Corruption(offset, position, problem));
                entries.add(new IndexEntry(position, length));
                position += length;
            }
            return new SegmentScan(entries, corrupt, position, null);
        }

        private boolean isFrame(long position, long offset) throws IOException {
            int length = lengthAt(position);
            return length >= 0 && check(position, length, offset) == null;
        }

        /** The length field at {@code position}, or -1 when the file ends inside the frame header. */
        private int lengthAt(long position) throws IOException {
            if (size - position < Frame.HEADER_SIZE) {
                return -1;
            }
            ByteBuffer buf = bytes(position, 4);
            return Frame.lengthAt(buf, buf.position());
        }

        private String check(long position, int length, long offset) throws IOException {
            if (length < Frame.HEADER_SIZE || length - Frame.HEADER_SIZE > Frame.MAX_PAYLOAD) {
                return "impossible frame length " + length;
            }
            if (position + length > size) {
                return "frame of " + length + " bytes passes the end of the file";
            }
            ByteBuffer buf = bytes(position, length);
            return Frame.problem(buf, buf.position(), length, offset);
        }

        /** A heap buffer positioned at the {@code length} bytes at {@code position}. */
        private ByteBuffer bytes(long position, int length) throws IOException {
            if (length > WINDOW) {
                ByteBuffer big = ByteBuffer.allocate(length);
                store.read(position, big);
                return big.flip();
            }
            if (windowStart < 0 || position < windowStart || position + length > windowStart + window.limit()) {
                window.clear().limit((int) Math.min(WINDOW, size - position));
                store.read(position, window);
                window.flip();
                windowStart = position;
            }
            return window.duplicate().position((int) (position - windowStart));
        }
    }
}
