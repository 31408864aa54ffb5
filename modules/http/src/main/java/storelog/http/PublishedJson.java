package storelog.http;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The bodies of a successful publish, {@code {"status":"ok","partition_key":k,"offset":n}} and the batch's
 * {@code {"status":"ok","partition_key":k,"base_offset":n,"count":c}}, written straight into one array:
 * the same bytes as {@link Json}'s generator writes (the tests compare them), at a fraction of its cost
 * on the publish path. A key with a character JSON escapes, or any beyond ASCII, goes through the
 * generator, so that escaping has one implementation.
 */
final class PublishedJson {

    private static final byte[] STATUS_KEY = ascii("{\"status\":\"ok\",\"partition_key\":\"");
    private static final byte[] OFFSET = ascii("\",\"offset\":");
    private static final byte[] BASE_OFFSET = ascii("\",\"base_offset\":");
    private static final byte[] COUNT = ascii(",\"count\":");
    /** The most characters a long takes in decimal ({@link Long#MIN_VALUE}). */
    private static final int LONG_CHARS = 20;

    private PublishedJson() {
    }

    static byte[] published(String partition, long offset) {
        if (!plain(partition)) {
            return Json.bytes(json -> {
                json.writeStartObject();
                json.writeStringField("status", "ok");
                json.writeStringField("partition_key", partition);
                json.writeNumberField("offset", offset);
                json.writeEndObject();
            });
        }
        byte[] out = new byte[STATUS_KEY.length + partition.length() + OFFSET.length + LONG_CHARS + 1];
        int at = put(out, 0, STATUS_KEY);
        at = ascii(out, at, partition);
        at = put(out, at, OFFSET);
        at = number(out, at, offset);
        out[at++] = '}';
        return Arrays.copyOf(out, at);
    }

    static byte[] batchPublished(String partition, long base, int count) {
        if (!plain(partition)) {
            return Json.bytes(json -> {
                json.writeStartObject();
                json.writeStringField("status", "ok");
                json.writeStringField("partition_key", partition);
                json.writeNumberField("base_offset", base);
                json.writeNumberField("count", count);
                json.writeEndObject();
            });
        }
        byte[] out = new byte[STATUS_KEY.length + partition.length() + BASE_OFFSET.length + COUNT.length + 2 * LONG_CHARS + 1];
        int at = put(out, 0, STATUS_KEY);
        at = ascii(out, at, partition);
        at = put(out, at, BASE_OFFSET);
        at = number(out, at, base);
        at = put(out, at, COUNT);
        at = number(out, at, count);
        out[at++] = '}';
        return Arrays.copyOf(out, at);
    }

    /** Printable ASCII other than the two characters JSON escapes there: written as it is. */
    static boolean plain(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x20 || c > 0x7e || c == '"' || c == '\\') {
                return false;
            }
        }
        return true;
    }

    /** {@code ascii}'s characters, one byte each (ASCII only). */
    private static int ascii(byte[] out, int at, String ascii) {
        for (int i = 0; i < ascii.length(); i++) {
            out[at + i] = (byte) ascii.charAt(i);
        }
        return at + ascii.length();
    }

    private static int put(byte[] out, int at, byte[] bytes) {
        System.arraycopy(bytes, 0, out, at, bytes.length);
        return at + bytes.length;
    }

    private static int number(byte[] out, int at, long value) {
        return ascii(out, at, Long.toString(value));
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }
}
