package storelog.store.file;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import storelog.api.DataType;

/**
 * The human-readable dump of one segment file ({@code storelog dump}, and the {@code .txt} files tests
 * write beside segments). One line per record or entry:
 * <pre>
 * # segment_0.store: store, base offset 0, 4215 bytes, header ok
 * offset=0 position=16 type=json size=38 crc=ok timestamp=1764230400000 payload={"id":1}
 * offset=1 position=79 type=json batch+ size=38 crc=ok ...   (more records of its batch follow)
 * offset=0 position=16 length=38 crc=ok          (index files)
 * </pre>
 * Damaged frames are shown with what is wrong; the dump stops where the bytes stop making frames.
 */
final class SegmentDump {

    /** Payload text beyond this is cut, with the full size shown. */
    private static final int MAX_TEXT = 4096;

    private SegmentDump() {
    }

    static void dump(Path file, Appendable out) throws IOException {
        SegmentName name = SegmentName.parse(file.getFileName().toString()).orElseThrow(() -> new IllegalArgumentException(
                file + " is not a segment file (segment_<base>.store or segment_<base>.index)"));
        ByteBuffer bytes = ByteBuffer.wrap(Files.readAllBytes(file));
        String header = name.kind().problem(bytes.duplicate(), name.baseOffset());
        out.append("# ").append(String.valueOf(file.getFileName())).append(": ")
                .append(name.kind() == FileHeader.STORE ? "store" : "index")
                .append(", base offset ").append(String.valueOf(name.baseOffset()))
                .append(", ").append(String.valueOf(bytes.capacity())).append(" bytes, header ")
                .append(header == null ? "ok" : header).append('\n');
        if (name.kind() == FileHeader.STORE) {
            frames(bytes, name.baseOffset(), out);
        } else {
            entries(bytes, name.baseOffset(), out);
        }
    }

    private static void frames(ByteBuffer bytes, long base, Appendable out) throws IOException {
        int position = FileHeader.SIZE;
        long offset = base;
        int size = bytes.capacity();
        while (position < size) {
            if (size - position < Frame.HEADER_SIZE) {
                out.append(String.format("position=%d torn: %d trailing bytes are no frame header%n", position, size - position));
                return;
            }
            int length = Frame.lengthAt(bytes, position);
            if (length < Frame.HEADER_SIZE || length > size - position) {
                out.append(String.format("position=%d torn: frame length %d does not fit the %d bytes left%n",
                        position, length, size - position));
                return;
            }
            String problem = Frame.problem(bytes, position, length, offset);
            int typeCode = Frame.typeCode(bytes, position);
            String type = typeCode <= 2 ? DataType.fromCode(typeCode).name().toLowerCase(java.util.Locale.ROOT)
                    : "unknown(" + typeCode + ")";
            out.append(String.format("offset=%d position=%d type=%s%s size=%d crc=%s timestamp=%d payload=%s%n",
                    Frame.offset(bytes, position), position, type, Frame.more(bytes, position) ? " batch+" : "",
                    length - Frame.HEADER_SIZE,
                    problem == null ? "ok" : "BAD(" + problem + ")", Frame.timestamp(bytes, position),
                    text(typeCode, Frame.payload(bytes, position, length))));
            position += length;
            offset++;
        }
    }

    private static void entries(ByteBuffer bytes, long base, Appendable out) throws IOException {
        int size = bytes.capacity();
        for (long i = 0; IndexEntry.positionOf(i) < size; i++) {
            int at = (int) IndexEntry.positionOf(i);
            if (size - at < IndexEntry.SIZE) {
                out.append(String.format("position=%d torn: %d trailing bytes are no entry%n", at, size - at));
                return;
            }
            IndexEntry entry = IndexEntry.decode(bytes, at, i);
            if (entry == null) {
                out.append(String.format("offset=%d position=%d length=%d crc=BAD%n", base + i, bytes.getLong(at), bytes.getInt(at + 8)));
            } else {
                out.append(String.format("offset=%d position=%d length=%d crc=ok%n", base + i, entry.position(), entry.length()));
            }
        }
    }

    /** The payload as text where it is text (JSON, string), else base64; control characters escaped. */
    private static String text(int typeCode, byte[] payload) {
        if (typeCode == DataType.BYTES.code() || typeCode < 0 || typeCode > 2) {
            String b64 = Base64.getEncoder().encodeToString(payload);
            return "base64:" + (b64.length() > MAX_TEXT ? b64.substring(0, MAX_TEXT) + "...(" + payload.length + " bytes)" : b64);
        }
        String s = new String(payload, StandardCharsets.UTF_8);
        StringBuilder out = new StringBuilder(Math.min(s.length(), MAX_TEXT) + 16);
        for (int i = 0; i < s.length() && out.length() < MAX_TEXT; i++) {
            char c = s.charAt(i);
            switch (c) {
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '\\' -> out.append("\\\\");
                default -> out.append(c < 0x20 || c == 0x7F ? String.format("\\u%04x", (int) c) : String.valueOf(c));
            }
        }
        if (out.length() >= MAX_TEXT) {
            out.append("...(").append(payload.length).append(" bytes)");
        }
        return out.toString();
    }
}
