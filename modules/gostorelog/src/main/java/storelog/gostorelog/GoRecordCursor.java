package storelog.gostorelog;

import java.io.BufferedInputStream;
import java.io.Closeable;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import storelog.api.DataType;

/**
 * Walks a partition's records in offset order, segment by segment, reading the index and store files
 * sequentially and checking everything the format allows to check:
 * <ul>
 *   <li>each segment's base continues the previous segment (the first one sets the partition's
 *       first offset);</li>
 *   <li>index entry offsets are consecutive from the segment's base;</li>
 *   <li>each entry's position lies inside the store file and is where the previous frame ends (the
 *       first at 0): frames follow each other with no overlap and no unreferenced bytes;</li>
 *   <li>each frame's length is at least 1 (it counts the data type byte), at most
 *       {@value #MAX_PAYLOAD} + 1 (StoreLog's largest record), and the frame fits in the file;</li>
 *   <li>the data type byte is 0, 1 or 2;</li>
 *   <li>the index holds only whole 16-byte entries and every store byte belongs to an indexed frame
 *       (so a frame written without its index entry, or a torn tail, is reported, not dropped).</li>
 * </ul>
 * The first problem ends the walk with a {@link GoStoreLogFormatException}; every record returned
 * before it passed all checks, so a caller can keep them as a gap-free prefix. After an exception
 * or the end, {@link #next()} returns null. Not thread-safe.
 */
public final class GoRecordCursor implements Closeable {

    /** Largest payload accepted (StoreLog's record limit, 64 MiB). */
    public static final int MAX_PAYLOAD = 64 << 20;
    /** Bytes before the payload in a frame: u32 length, u8 data type. */
    public static final int FRAME_HEADER = 5;

    private static final int BUFFER = 64 << 10;

    private final List<GoSegment> segments;
    private int segmentIndex = -1;
    private GoSegment segment;
    private DataInputStream index;
    private DataInputStream store;
    private long indexPosition;
    private long storePosition;
    private long expectedOffset;
    private boolean finished;

    GoRecordCursor(List<GoSegment> segments) {
        this.segments = List.copyOf(segments);
        this.expectedOffset = segments.isEmpty() ? 0 : segments.getFirst().base();
    }

    /**
     * The next record, or null after the last one.
     *
     * @throws GoStoreLogFormatException at the first index entry, frame or file that does not fit the format
     * @throws IOException               when a file cannot be read
     */
    public GoRecord next() throws IOException {
        try {
            while (!finished) {
                if (segment == null && !openNextSegment()) {
                    finish();
                    return null;
                }
                if (indexPosition + GoSegment.INDEX_ENTRY_SIZE <= segment.indexSize()) {
                    return readRecord();
                }
                endSegment();
            }
            return null;
        } catch (IOException | RuntimeException e) {
            try {
                finish();
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    /** The offset the next record must have: after the end, the partition's next offset. */
    public long expectedOffset() {
        return expectedOffset;
    }

    @Override
    public void close() throws IOException {
        finish();
    }

    private boolean openNextSegment() throws IOException {
        if (segmentIndex + 1 >= segments.size()) {
            return false;
        }
        GoSegment next = segments.get(++segmentIndex);
        if (next.base() != expectedOffset) {
            throw new GoStoreLogFormatException(next.index(), -1, expectedOffset, "segment base " + next.base()
                    + " does not continue the partition: the previous segment ends before offset " + expectedOffset);
        }
        segment = next;
        indexPosition = 0;
        storePosition = 0;
        index = open(next.index());
        store = open(next.store());
        return true;
    }

    private GoRecord readRecord() throws IOException {
        Path indexFile = segment.index();
        Path storeFile = segment.store();
        long entryAt = indexPosition;
        long offset = readLong(index, indexFile, entryAt);
        long position = readLong(index, indexFile, entryAt + 8);
        indexPosition += GoSegment.INDEX_ENTRY_SIZE;
        if (offset != expectedOffset) {
            throw new GoStoreLogFormatException(indexFile, entryAt, expectedOffset, "index entry holds offset "
                    + Long.toUnsignedString(offset) + " where offset " + expectedOffset
                    + " was expected: offsets must be consecutive from the segment base " + segment.base());
        }
        if (position < 0 || position >= segment.storeSize()) {
            throw new GoStoreLogFormatException(indexFile, entryAt, offset, "index entry points to byte position "
                    + Long.toUnsignedString(position) + ", past the end of " + storeFile.getFileName()
                    + " (" + segment.storeSize() + " bytes)");
        }
        if (position != storePosition) {
            throw new GoStoreLogFormatException(indexFile, entryAt, offset, "index entry points to byte position "
                    + position + " but the previous frame in " + storeFile.getFileName() + " ends at " + storePosition
                    + ": frames must follow each other");
        }
        long left = segment.storeSize() - position;
        if (left < FRAME_HEADER) {
            throw new GoStoreLogFormatException(storeFile, position, offset, "frame header needs " + FRAME_HEADER
                    + " bytes but the file ends after " + left + ": the store is truncated");
        }
        long length = Integer.toUnsignedLong(store.readInt());
        int code = store.readUnsignedByte();
        if (length < 1) {
            throw new GoStoreLogFormatException(storeFile, position, offset,
                    "frame length 0 is impossible: it counts the data type byte, so it is at least 1");
        }
        if (length - 1 > left - FRAME_HEADER) {
            throw new GoStoreLogFormatException(storeFile, position, offset, "frame of length " + length
                    + " runs past the end of the file (" + segment.storeSize() + " bytes, " + (left - 4)
                    + " after the length field): the store is truncated");
        }
        if (length - 1 > MAX_PAYLOAD) {
            throw new GoStoreLogFormatException(storeFile, position, offset, "frame length " + length
                    + " is larger than StoreLog's largest record (" + MAX_PAYLOAD + " payload bytes)");
        }
        if (code > DataType.STRING.code()) {
            throw new GoStoreLogFormatException(storeFile, position + 4, offset, "unknown data type byte " + code
                    + "; expected 0 (JSON), 1 (bytes) or 2 (string)");
        }
        byte[] payload = new byte[(int) (length - 1)];
        store.readFully(payload);
        storePosition = position + 4 + length;
        expectedOffset++;
        return new GoRecord(offset, DataType.fromCode(code), payload, storeFile, position);
    }

    /** Checks the segment's tail: no partial index entry, no store bytes past the last indexed frame. */
    private void endSegment() throws IOException {
        long partial = segment.indexSize() - indexPosition;
        if (partial > 0) {
            throw new GoStoreLogFormatException(segment.index(), indexPosition, expectedOffset,
                    "the index ends in a partial entry of " + partial + " bytes (entries are 16 bytes)");
        }
        if (storePosition != segment.storeSize()) {
            throw new GoStoreLogFormatException(segment.store(), storePosition, expectedOffset,
                    (segment.storeSize() - storePosition) + " bytes after the last indexed frame are not referenced"
                            + " by " + segment.index().getFileName() + " (a frame without index entry, or a torn write)");
        }
        closeFiles();
        segment = null;
    }

    private static long readLong(DataInputStream in, Path file, long position) throws IOException {
        try {
            return in.readLong();
        } catch (EOFException e) {
            throw new GoStoreLogFormatException(file, position, -1, "file ended while being read: it changed during the import?");
        }
    }

    private static DataInputStream open(Path file) throws IOException {
        return new DataInputStream(new BufferedInputStream(Files.newInputStream(file), BUFFER));
    }

    private void finish() throws IOException {
        finished = true;
        segment = null;
        closeFiles();
    }

    private void closeFiles() throws IOException {
        DataInputStream i = index;
        DataInputStream s = store;
        index = null;
        store = null;
        IOException failure = null;
        for (DataInputStream in : new DataInputStream[] {i, s}) {
            try {
                if (in != null) {
                    in.close();
                }
            } catch (IOException e) {
                failure = failure == null ? e : failure;
            }
        }
        if (failure != null) {
            throw failure;
        }
    }
}
