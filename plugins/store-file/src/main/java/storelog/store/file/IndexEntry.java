package storelog.store.file;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.zip.CRC32C;

/**
 * One fixed-width entry of a {@code .index} file. The entry of record {@code base + i} sits at byte
 * {@code FileHeader.SIZE + i * SIZE}, so finding a record is arithmetic, not a search.
 *
 * <pre>
 *  0   8  position of the record's frame in the .store file
 *  8   4  length of that frame
 *  12  4  CRC-32C of bytes [0, 12) followed by i as 4 big-endian bytes
 * </pre>
 * The index is derived data: it can always be rebuilt from the store. Its checksum includes the
 * entry's slot, so garbage, zeros or a shifted entry are caught.
 *
 * @param position frame position in the store file
 * @param length   frame length
 */
record IndexEntry(long position, int length) {

    static final int SIZE = 16;

    /** Byte position of slot {@code i} in the index file. */
    static long positionOf(long i) {
        return FileHeader.SIZE + i * SIZE;
    }

    private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);
    private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);

    /** Writes the entry of slot {@code i} at {@code dst[at]}. */
    static void encode(byte[] dst, int at, long i, long position, int length) {
        LONG.set(dst, at, position);
        INT.set(dst, at + 8, length);
        INT.set(dst, at + 12, crc(dst, at, i));
    }

    /** Writes this entry as slot {@code i} at {@code dst[at]}. */
    void encode(byte[] dst, int at, long i) {
        encode(dst, at, i, position, length);
    }

    /** The entry of slot {@code i} at {@code buf[at]} (heap buffer), or null when its checksum fails. */
    static IndexEntry decode(ByteBuffer buf, int at, long i) {
        if (buf.getInt(at + 12) != crc(buf.array(), buf.arrayOffset() + at, i)) {
            return null;
        }
        return new IndexEntry(buf.getLong(at), buf.getInt(at + 8));
    }

    /** CRC-32C of the entry's first 12 bytes and the slot; bytes [12, 16) are scratch until the CRC lands there. */
    private static int crc(byte[] entry, int at, long i) {
        int saved = (int) INT.get(entry, at + 12);
        INT.set(entry, at + 12, (int) i);
        CRC32C crc = new CRC32C();
        crc.update(entry, at, SIZE);
        INT.set(entry, at + 12, saved);
        return (int) crc.getValue();
    }

    /** Where the frame ends. */
    long end() {
        return position + length;
    }
}
