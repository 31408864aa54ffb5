package storelog.api;

/** Strict UTF-8 well-formedness (RFC 3629: no overlongs, no surrogates, nothing above U+10FFFF). */
final class Utf8 {

    private Utf8() {
    }

    /** Returns null when {@code bytes[from, to)} is well-formed UTF-8, else what is wrong and where. */
    static String problem(byte[] bytes, int from, int to) {
        int i = from;
        while (i < to) {
            int b = bytes[i] & 0xFF;
            if (b < 0x80) {
                i++;
                continue;
            }
            int length = sequenceLength(bytes, i, to);
            if (length < 0) {
                return "malformed UTF-8 at byte " + i;
            }
            i += length;
        }
        return null;
    }

    /** Length of the well-formed multi-byte sequence starting at {@code i}, or -1. */
    static int sequenceLength(byte[] bytes, int i, int to) {
        int b = bytes[i] & 0xFF;
        int length;
        int min;
        int max = 0xBF;
        if (b >= 0xC2 && b <= 0xDF) {
            length = 2;
            min = 0x80;
        } else if (b >= 0xE0 && b <= 0xEF) {
            length = 3;
            min = b == 0xE0 ? 0xA0 : 0x80;
            max = b == 0xED ? 0x9F : 0xBF; // U+D800..U+DFFF are surrogates, not characters
        } else if (b >= 0xF0 && b <= 0xF4) {
            length = 4;
            min = b == 0xF0 ? 0x90 : 0x80;
            max = b == 0xF4 ? 0x8F : 0xBF;
        } else {
            return -1;
        }
        if (i + length > to) {
            return -1;
        }
        int second = bytes[i + 1] & 0xFF;
        if (second < min || second > max) {
            return -1;
        }
        for (int k = 2; k < length; k++) {
            int c = bytes[i + k] & 0xFF;
            if (c < 0x80 || c > 0xBF) {
                return -1;
            }
        }
        return length;
    }
}
