package storelog.api;

/**
 * A strict RFC 8259 syntax check of one JSON value in UTF-8, without building anything.
 *
 * <p>It is iterative (an explicit stack of open containers), so nesting depth costs memory, never
 * the Java stack: a 10,000-deep array is checked like a flat one. It accepts exactly one value with
 * optional surrounding whitespace. Strings must be text: well-formed UTF-8, and a {@code \\u} escape
 * of a surrogate only as half of a high-low pair (RFC 8259 §8.2: a lone one is not a character).
 */
final class JsonSyntax {

    private static final byte OBJECT = 1;
    private static final byte ARRAY = 2;

    private final byte[] text;
    private int pos;
    private byte[] open = new byte[32];
    private int depth;

    private JsonSyntax(byte[] text) {
        this.text = text;
    }

    /** Returns null when {@code text} is one well-formed JSON value, else what is wrong and where. */
    static String problem(byte[] text) {
        try {
            new JsonSyntax(text).value();
            return null;
        } catch (SyntaxError e) {
            return e.getMessage();
        }
    }

    private void value() {
        boolean expectValue = true;
        while (true) {
            skipWhitespace();
            if (expectValue) {
                expectValue = startValue();
            } else if (depth == 0) {
                if (pos != text.length) {
                    throw error("unexpected data after the JSON value");
                }
                return;
            } else {
                expectValue = afterMember();
            }
        }
    }

    /** Consumes a scalar or opens a container; returns whether a value is expected next. */
    private boolean startValue() {
        if (pos >= text.length) {
            throw error(depth == 0 && text.length == 0 ? "empty" : "unexpected end of JSON");
        }
        byte c = text[pos];
        switch (c) {
            case '{' -> {
                push(OBJECT);
                pos++;
                skipWhitespace();
                if (peek() == '}') {
                    pos++;
                    depth--;
                    return false;
                }
                memberName();
                return true;
            }
            case '[' -> {
                push(ARRAY);
                pos++;
                skipWhitespace();
                if (peek() == ']') {
                    pos++;
                    depth--;
                    return false;
                }
                return true;
            }
            case '"' -> string();
            case 't' -> literal("true");
            case 'f' -> literal("false");
            case 'n' -> literal("null");
            default -> {
                if (c == '-' || (c >= '0' && c <= '9')) {
                    number();
                } else {
                    throw error("unexpected character '" + printable(c) + "'");
                }
            }
        }
        return false;
    }

    /** After a value inside a container: a separator or the container's end. */
    private boolean afterMember() {
        byte c = peek();
        if (open[depth - 1] == OBJECT) {
            if (c == ',') {
                pos++;
                skipWhitespace();
                memberName();
                return true;
            }
            if (c == '}') {
                pos++;
                depth--;
                return false;
            }
            throw error("expected ',' or '}'");
        }
        if (c == ',') {
            pos++;
            return true;
        }
        if (c == ']') {
            pos++;
            depth--;
            return false;
        }
        throw error("expected ',' or ']'");
    }

    private void memberName() {
        if (peek() != '"') {
            throw error("expected a member name in double quotes");
        }
        string();
        skipWhitespace();
        if (peek() != ':') {
            throw error("expected ':'");
        }
        pos++;
    }

    private void string() {
        pos = plainRun(text, pos + 1); // past the opening quote
        while (pos < text.length) {
            int c = text[pos] & 0xFF;
            if (c == '"') {
                pos++;
                return;
            }
            if (c == '\\') {
                escape();
            } else if (c < 0x20) {
                throw error("control character in string");
            } else if (c < 0x80) {
                pos++;
            } else {
                int length = Utf8.sequenceLength(text, pos, text.length);
                if (length < 0) {
                    throw error("malformed UTF-8");
                }
                pos += length;
            }
        }
        throw error("unterminated string");
    }

    /** Where the run of plain ASCII string characters (no quote, backslash or control character) from {@code from} ends. */
    private static int plainRun(byte[] text, int from) {
        int i = from;
        while (i < text.length) {
            int c = text[i];
            if (c < 0x20 || c == '"' || c == '\\') { // a byte beyond ASCII is negative
                return i;
            }
            i++;
        }
        return i;
    }

    private void escape() {
        if (pos + 1 >= text.length) {
            throw error("unterminated escape");
        }
        byte e = text[pos + 1];
        switch (e) {
            case '"', '\\', '/', 'b', 'f', 'n', 'r', 't' -> pos += 2;
            case 'u' -> {
                char unit = unicodeEscape();
                if (Character.isLowSurrogate(unit)) {
                    throw error("lone surrogate " + escaped(unit));
                }
                pos += 6;
                if (Character.isHighSurrogate(unit)) {
                    // a character beyond U+FFFF is escaped as a pair; half of one is not text
                    if (pos + 1 >= text.length || text[pos] != '\\' || text[pos + 1] != 'u'
                            || !Character.isLowSurrogate(unicodeEscape())) {
                        pos -= 6;
                        throw error("lone surrogate " + escaped(unit));
                    }
                    pos += 6;
                }
            }
            default -> throw error("bad escape '\\" + printable(e) + "'");
        }
    }

    /** The UTF-16 code unit of the {@code \\uXXXX} escape at {@code pos}. */
    private char unicodeEscape() {
        if (pos + 6 > text.length) {
            throw error("short \\u escape");
        }
        int unit = 0;
        for (int k = pos + 2; k < pos + 6; k++) {
            int digit = Character.digit(text[k], 16);
            if (digit < 0) {
                throw error("bad \\u escape");
            }
            unit = unit << 4 | digit;
        }
        return (char) unit;
    }

    private static String escaped(char unit) {
        return String.format("\\u%04X", (int) unit);
    }

    private void number() {
        if (peek() == '-') {
            pos++;
        }
        if (peek() == '0') {
            pos++;
        } else if (!digits()) {
            throw error("bad number");
        }
        if (peek() == '.') {
            pos++;
            if (!digits()) {
                throw error("bad number: digits expected after '.'");
            }
        }
        if (peek() == 'e' || peek() == 'E') {
            pos++;
            if (peek() == '+' || peek() == '-') {
                pos++;
            }
            if (!digits()) {
                throw error("bad number: digits expected in exponent");
            }
        }
    }

    private boolean digits() {
        int start = pos;
        while (pos < text.length && text[pos] >= '0' && text[pos] <= '9') {
            pos++;
        }
        return pos > start;
    }

    private void literal(String word) {
        int n = word.length();
        if (pos + n > text.length) {
            throw error("unexpected end of JSON");
        }
        for (int k = 0; k < n; k++) {
            if (text[pos + k] != word.charAt(k)) {
                throw error("unexpected character '" + printable(text[pos + k]) + "'");
            }
        }
        pos += n;
    }

    private void push(byte kind) {
        if (depth == open.length) {
            open = java.util.Arrays.copyOf(open, depth * 2);
        }
        open[depth++] = kind;
    }

    private byte peek() {
        return pos < text.length ? text[pos] : 0;
    }

    private void skipWhitespace() {
        while (pos < text.length) {
            byte c = text[pos];
            if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
                return;
            }
            pos++;
        }
    }

    private static String printable(byte c) {
        return c >= 0x20 && c < 0x7F ? String.valueOf((char) c) : String.format("\\x%02x", c & 0xFF);
    }

    private SyntaxError error(String what) {
        return new SyntaxError(what + " at byte " + pos);
    }

    /** Control flow for the first problem found; no stack trace, it is never logged. */
    private static final class SyntaxError extends RuntimeException {
        private static final long serialVersionUID = 1L;

        SyntaxError(String message) {
            super(message, null, false, false);
        }
    }
}
