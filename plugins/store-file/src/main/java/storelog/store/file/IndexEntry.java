package storelog.store.file;

import java.nio.ByteBuffer;
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

    /** Writes the entry of slot {@code i} at {@code dst[at]}. */
    static void encode(ByteBuffer dst, int at, long i, long position, int length) {
        dst.putLong(at, position);
        dst.putInt(at + 8, length);
        dst.putInt(at + 12, crc(dst, at, i));
    }

    /** Writes this entry as slot {@code i} at {@code dst[at]}. */
    void encode(ByteBuffer dst, int at, long i) {
        encode(dst, at, i, position, length);
    }

    /** The entry of slot {@code i} at {@code buf[at]} (heap buffer), or null when its checksum fails. */
    static IndexEntry decode(ByteBuffer buf, int at, long i) {
        if (buf.getInt(at + 12) != crc(buf, at, i)) {
            return null;
        }
        return new IndexEntry(buf.getLong(at), buf.getInt(at + 8));
    }

    /** CRC-32C of the entry's first 12 bytes followed by the slot as 4 big-endian bytes. */
    private static int crc(ByteBuffer entry, int at, long i) {
        CRC32C crc = new CRC32C();
        crc.update(entry.slice(at, 12));
        int slot = (int) i;
        crc.update(slot >>> 24);
        crc.update(slot >>> 16);
        crc.update(slot >>> 8);
        crc.update(slot);
        return (int) crc.getValue();
    }

    /** Where the frame ends. */
    long end() {
        return position + length;
    }
}
