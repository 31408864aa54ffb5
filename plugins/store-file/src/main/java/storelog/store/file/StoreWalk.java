package storelog.store.file;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Finding a record's frame in a small store without its index ({@link Segment}'s reads): the store
 * read whole, its frames walked from the header, each checked (length, CRC, offset) up to the record.
 * Any doubt answers "not found" and the index, authoritative for damage, is asked instead.
 */
final class StoreWalk {

    /**
     * Flushed store bytes (header included) up to which reads walk the frames instead of reading the
     * index. A walk reads the store whole and checks every frame up to the record, so its cost grows
     * with the store while the index path's does not (two small reads): hot reads of the last of
     * 100-byte records measured 1.07M/s walking one frame against 0.61M/s through the index, even at
     * 8 frames (1016 bytes, 0.58M/s against 0.60M/s), and 0.26M/s against 0.63M/s at 32 (4 KiB) —
     * bench {@code SmallSegmentReadBenchmark}. At this bound no hot read gets slower, and a cold
     * partition of a few small records keeps one descriptor open, not two.
     */
    static final int WALK_BOUND = 1024;

    private StoreWalk() {
    }

    /**
     * The flushed bytes of the store, header included, when there are at most {@link #WALK_BOUND};
     * else, or when the file is shorter than they say (the index path then tells why), null.
     */
    static ByteBuffer smallStore(BufferedFile store) throws IOException {
        long size = store.flushedSize();
        if (size > WALK_BOUND || size < FileHeader.SIZE) {
            return null;
        }
        ByteBuffer bytes = ByteBuffer.allocate((int) size);
        try {
            store.read(0, bytes);
        } catch (EOFException e) {
            return null;
        }
        return bytes.flip();
    }

    /**
     * Where the frame of record {@code offset} starts in {@code bytes} (the store of the segment at {@code base}, from its header), found
     * frame by frame; -1 unless every frame up to and including it is intact and holds the offset it should.
     */
    static int frameOf(ByteBuffer bytes, long base, long offset) {
        int at = FileHeader.SIZE;
        for (long o = base; o < offset && at >= 0; o++) {
            at = frameEnd(bytes, at, o);
        }
        return at >= 0 && frameEnd(bytes, at, offset) >= 0 ? at : -1;
    }

    /** Where the frame at {@code bytes[at]} ends if it is an intact frame of record {@code offset}, else -1. */
    static int frameEnd(ByteBuffer bytes, int at, long offset) {
        if (bytes.limit() - at < Frame.HEADER_SIZE) {
            return -1;
        }
        int length = Frame.lengthAt(bytes, at);
        if (length < Frame.HEADER_SIZE || length > bytes.limit() - at || Frame.problem(bytes, at, length, offset) != null) {
            return -1;
        }
        return at + length;
    }
}
