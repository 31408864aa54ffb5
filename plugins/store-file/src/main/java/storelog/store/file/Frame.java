package storelog.store.file;

import java.nio.ByteBuffer;
import java.util.zip.CRC32C;
import storelog.api.DataType;

/**
 * One record as stored in a {@code .store} file, after the {@link FileHeader}.
 *
 * <pre>
 *  0   4  frame length L in bytes, this field included (L &gt;= 25)
 *  4   4  CRC-32C of bytes [0, 4) and [8, L)
 *  8   8  offset of the record
 *  16  1  bits 0-6: data type code (0 JSON, 1 bytes, 2 string);
 *          bit 7 ({@link #MORE}): more records of the same batch follow in the next frame
 *  17  8  timestamp, epoch milliseconds
 *  25  L-25  payload
 * </pre>
 * All numbers are big-endian. The checksum covers the length, so a torn or flipped length is
 * caught, the offset, so a frame read from the wrong place is caught, and the batch flag.
 *
 * <p><b>Batches.</b> The records of one append are written as consecutive frames, all but the last
 * with {@link #MORE} set; a single record, and the last record of a batch, has it clear. A log whose
 * last intact frame has it set ends in a batch that was never completed (a crash, or an append that
 * failed), which recovery removes whole ({@link BatchTail}). A segment holds whole batches: the
 * roller never splits one. Frames written before the flag existed have it clear, so every older
 * file reads as a log of complete batches, unchanged. Readers get the data type with the flag masked.
 */
final class Frame {

    static final int HEADER_SIZE = 25;
    /** Largest payload the engine stores (the HTTP layer's body limit is far below it). */
    static final int MAX_PAYLOAD = 64 << 20;
    /** Bit of the data-type byte: more records of the same batch follow in the next frame. */
    static final int MORE = 0x80;

    private static final int CRC_AT = 4;
    private static final int OFFSET_AT = 8;
    private static final int TYPE_AT = 16;
    private static final int TIMESTAMP_AT = 17;

    private Frame() {
    }

    /** Total frame length of a payload. */
    static int length(int payloadLength) {
        return HEADER_SIZE + payloadLength;
    }

    /**
     * Writes a frame at {@code dst[at]}; returns its length.
     *
     * @param more whether more records of the same batch follow in the next frame ({@link #MORE})
     */
    static int encode(ByteBuffer dst, int at, long offset, DataType type, long timestamp, byte[] payload, boolean more) {
        int length = length(payload.length);
        dst.putInt(at, length);
        dst.putLong(at + OFFSET_AT, offset);
        dst.put(at + TYPE_AT, (byte) (type.code() | (more ? MORE : 0)));
        dst.putLong(at + TIMESTAMP_AT, timestamp);
        dst.put(at + HEADER_SIZE, payload);
        putCrc(dst, at, length);
        return length;
    }

    /**
     * Clears {@link #MORE} in the whole frame of {@code length} bytes at {@code buf[at]} and updates its
     * checksum: the frame becomes the last of its batch (a truncation that cut the batch after it).
     */
    static void clearMore(ByteBuffer buf, int at, int length) {
        buf.put(at + TYPE_AT, (byte) (buf.get(at + TYPE_AT) & ~MORE));
        putCrc(buf, at, length);
    }

    private static void putCrc(ByteBuffer buf, int at, int length) {
        CRC32C crc = new CRC32C();
        crc.update(buf.slice(at, CRC_AT));
        crc.update(buf.slice(at + OFFSET_AT, length - OFFSET_AT));
        buf.putInt(at + CRC_AT, (int) crc.getValue());
    }

    private static int crc(byte[] frame, int at, int length) {
        CRC32C crc = new CRC32C();
        crc.update(frame, at, CRC_AT);
        crc.update(frame, at + OFFSET_AT, length - OFFSET_AT);
        return (int) crc.getValue();
    }

    /** The length field of the frame at {@code buf[at]}. */
    static int lengthAt(ByteBuffer buf, int at) {
        return buf.getInt(at);
    }

    /**
     * Null when the {@code length} bytes at {@code buf[at]} (a heap buffer) are a whole, intact frame of
     * record {@code offset}; else what is wrong.
     */
    static String problem(ByteBuffer buf, int at, int length, long offset) {
        if (length < HEADER_SIZE || length - HEADER_SIZE > MAX_PAYLOAD) {
            return "impossible frame length " + length;
        }
        if (buf.getInt(at) != length) {
            return "frame length " + buf.getInt(at) + " where " + length + " was expected";
        }
        if (buf.getInt(at + CRC_AT) != crc(buf.array(), buf.arrayOffset() + at, length)) {
            return "CRC-32C mismatch";
        }
        if (buf.getLong(at + OFFSET_AT) != offset) {
            return "frame holds offset " + buf.getLong(at + OFFSET_AT) + " where " + offset + " was expected";
        }
        int type = typeCode(buf, at);
        if (type > 2) {
            return "unknown data type " + type;
        }
        return null;
    }

    static DataType type(ByteBuffer buf, int at) {
        return DataType.fromCode(typeCode(buf, at));
    }

    /** The data type code of the frame at {@code buf[at]}, without the batch flag (it may be unknown in a damaged frame). */
    static int typeCode(ByteBuffer buf, int at) {
        return buf.get(at + TYPE_AT) & 0x7F;
    }

    /** Whether more records of the same batch follow the frame at {@code buf[at]} ({@link #MORE}). */
    static boolean more(ByteBuffer buf, int at) {
        return (buf.get(at + TYPE_AT) & MORE) != 0;
    }

    static long timestamp(ByteBuffer buf, int at) {
        return buf.getLong(at + TIMESTAMP_AT);
    }

    static long offset(ByteBuffer buf, int at) {
        return buf.getLong(at + OFFSET_AT);
    }

    static byte[] payload(ByteBuffer buf, int at, int length) {
        byte[] payload = new byte[length - HEADER_SIZE];
        buf.get(at + HEADER_SIZE, payload);
        return payload;
    }
}
