package storelog.store.file;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * The 16-byte header that opens every segment file, so a file is recognised (and a renamed or
 * misplaced one is caught) before any of its bytes are trusted.
 *
 * <pre>
 *  0  4  magic: "SLST" for a .store file, "SLIX" for a .index file
 *  4  2  format version (1)
 *  6  2  reserved, 0
 *  8  8  base offset: the offset of the segment's first record (also in the file name)
 * </pre>
 * All numbers are big-endian.
 */
enum FileHeader {
    STORE(0x534C5354),
    INDEX(0x534C4958);

    static final int SIZE = 16;
    static final short VERSION = 1;

    private final int magic;

    FileHeader(int magic) {
        this.magic = magic;
    }

    /** The header of a segment starting at {@code baseOffset}. */
    ByteBuffer encode(long baseOffset) {
        return ByteBuffer.allocate(SIZE).putInt(magic).putShort(VERSION).putShort((short) 0).putLong(baseOffset).flip();
    }

    /** Null when {@code file} starts with this kind's header for {@code baseOffset}, else what is wrong. */
    String problemIn(BufferedFile file, long baseOffset) throws IOException {
        if (file.flushedSize() < SIZE) {
            return "the file is shorter than its header";
        }
        ByteBuffer header = ByteBuffer.allocate(SIZE);
        file.read(0, header);
        return problem(header.flip(), baseOffset);
    }

    /** Null when {@code header} (16 bytes from its position) is this kind's header for {@code baseOffset}, else what is wrong. */
    String problem(ByteBuffer header, long baseOffset) {
        if (header.remaining() < SIZE) {
            return "file is shorter than its " + SIZE + "-byte header";
        }
        int at = header.position();
        if (header.getInt(at) != magic) {
            return String.format("bad magic 0x%08x (expected 0x%08x)", header.getInt(at), magic);
        }
        if (header.getShort(at + 4) != VERSION) {
            return "unsupported format version " + header.getShort(at + 4);
        }
        if (header.getLong(at + 8) != baseOffset) {
            return "header says base offset " + header.getLong(at + 8) + ", the file name says " + baseOffset;
        }
        return null;
    }
}
