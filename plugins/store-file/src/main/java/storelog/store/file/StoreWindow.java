package storelog.store.file;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * A store file read through a 1 MiB window, for scans that move forward through it: each byte is read
 * from the file about once, whether the scan goes frame by frame or byte by byte.
 */
final class StoreWindow {

    private static final int SIZE = 1 << 20;

    private final BufferedFile store;
    private final long size;
    private final ByteBuffer window = ByteBuffer.allocate(SIZE);
    private long windowStart = -1;

    StoreWindow(BufferedFile store) {
        this.store = store;
        this.size = store.flushedSize();
    }

    /** The bytes scanned: the file's flushed size. */
    long size() {
        return size;
    }

    /** A heap buffer positioned at the {@code length} bytes at {@code position} (which must lie in the file). */
    ByteBuffer bytes(long position, int length) throws IOException {
        if (length > SIZE) {
            ByteBuffer big = ByteBuffer.allocate(length);
            store.read(position, big);
            return big.flip();
        }
        return window.duplicate().position(indexOf(position, length));
    }

    /** The 4-byte big-endian number at {@code position} (no allocation: a resync calls this at every byte). */
    int intAt(long position) throws IOException {
        return window.getInt(indexOf(position, 4));
    }

    /** The 8-byte big-endian number at {@code position}. */
    long longAt(long position) throws IOException {
        return window.getLong(indexOf(position, 8));
    }

    /** Moves the window so it holds the {@code length} bytes at {@code position}; returns their index in it. */
    private int indexOf(long position, int length) throws IOException {
        if (windowStart < 0 || position < windowStart || position + length > windowStart + window.limit()) {
            window.clear().limit((int) Math.min(SIZE, size - position));
            store.read(position, window);
            window.flip();
            windowStart = position;
        }
        return (int) (position - windowStart);
    }
}
