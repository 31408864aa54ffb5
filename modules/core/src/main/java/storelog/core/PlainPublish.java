package storelog.core;

import java.nio.charset.StandardCharsets;

/**
 * The usual publish body read without a JSON parser: one flat object whose names and string values are
 * printable ASCII without escapes and whose numbers are small whole numbers, such as
 * {@code {"data":"...","data_type":0,"partition_key":"p"}}. Anything else — an escape, a character beyond
 * ASCII, a nested or non-string {@code data}, another field {@link WireFormat} reads, trailing data, an
 * error of any kind — gives {@code null}, and the caller parses the body as before: this only takes
 * bodies that are valid JSON and that the parser reads to the same fields, so errors have one source.
 *
 * @param data     {@code data}'s text
 * @param dataType {@code data_type}, or null when absent
 * @param key      {@code partition_key}
 */
record PlainPublish(String data, Integer dataType, String key) {

    /**
     * Longer bodies go to the parser: it holds strings and names to its read constraints (the smallest
     * default, 50,000 characters for a name, is above this), and a long body gains little here.
     */
    static final int MAX_BYTES = 16 * 1024;
    /** Digits of the longest number taken here (an int for certain). */
    private static final int MAX_DIGITS = 9;

    /** The fields of {@code json}, or null when it is not of the plain shape (see above). */
    static PlainPublish parse(byte[] json) {
        return json.length > MAX_BYTES ? null : new Reader(json).publish();
    }

    /** One pass over the bytes; every method returns null or -1 where the shape ends. */
    private static final class Reader {
        private final byte[] in;
        private int at;

        Reader(byte[] in) {
            this.in = in;
        }

        PlainPublish publish() {
            String data = null;
            String key = null;
            Integer dataType = null;
            if (!skipTo('{')) {
                return null;
            }
            boolean first = true;
            while (true) {
                skipSpace();
                if (at < in.length && in[at] == '}' && first) {
                    return null; // {}: the parser reports what is missing
                }
                String name = string();
                if (name == null || !skipTo(':')) {
                    return null;
                }
                skipSpace();
                switch (name) {
                    case "data" -> data = string();
                    case "partition_key" -> key = string();
                    case "data_type" -> {
                        int code = number();
                        if (code < 0) {
                            return null;
                        }
                        dataType = code;
                    }
                    case "offset", "epoch", "record_epoch", "prev_epoch", "leader_next_offset", "leader_committed_offset",
                         "epoch_start", "timestamp", "records" -> {
                        return null; // read and type-checked by the parser even in a publish
                    }
                    default -> {
                        if (!skipValue()) {
                            return null;
                        }
                    }
                }
                if (("data".equals(name) && data == null) || ("partition_key".equals(name) && key == null)) {
                    return null;
                }
                first = false;
                skipSpace();
                if (at >= in.length) {
                    return null;
                }
                byte b = in[at++];
                if (b == '}') {
                    break;
                }
                if (b != ',') {
                    return null;
                }
            }
            skipSpace();
            return at == in.length && data != null && key != null ? new PlainPublish(data, dataType, key) : null;
        }

        /** An unknown field's value: a plain string or a small whole number. */
        private boolean skipValue() {
            if (at < in.length && in[at] == '"') {
                return string() != null;
            }
            return number() >= 0;
        }

        /** A string of printable ASCII other than {@code "} and {@code \}, at {@code at}; null otherwise. */
        private String string() {
            if (at >= in.length || in[at] != '"') {
                return null;
            }
            int start = ++at;
            while (at < in.length) {
                byte b = in[at];
                if (b == '"') {
                    String text = new String(in, start, at - start, StandardCharsets.ISO_8859_1);
                    at++;
                    return text;
                }
                if (b < 0x20 || b > 0x7e || b == '\\') { // negative: beyond ASCII
                    return null;
                }
                at++;
            }
            return null;
        }

        /** A whole number of 1 to {@link #MAX_DIGITS} digits, no sign, no leading zero, no fraction or exponent; -1 otherwise. */
        private int number() {
            int start = at;
            int value = 0;
            while (at < in.length && in[at] >= '0' && in[at] <= '9') {
                value = value * 10 + (in[at++] - '0');
            }
            int digits = at - start;
            if (digits == 0 || digits > MAX_DIGITS || (digits > 1 && in[start] == '0')) {
                return -1;
            }
            if (at < in.length && !isSpace(in[at]) && in[at] != ',' && in[at] != '}') {
                return -1; // 1.5, 1e3, 12x ...
            }
            return value;
        }

        private boolean skipTo(char c) {
            skipSpace();
            if (at < in.length && in[at] == c) {
                at++;
                return true;
            }
            return false;
        }

        private void skipSpace() {
            while (at < in.length && isSpace(in[at])) {
                at++;
            }
        }

        private static boolean isSpace(byte b) {
            return b == ' ' || b == '\t' || b == '\n' || b == '\r';
        }
    }
}
