package storelog.core;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import storelog.api.DataType;
import storelog.api.InvalidRecordException;

/**
 * The {@code data} field of GoStoreLog's wire format, captured while parsing (its type may come
 * later in the object) and turned into stored bytes once the type is known:
 * <ul>
 *   <li>type 0 (JSON): any JSON value, stored as its compact JSON text;</li>
 *   <li>type 1 (bytes): a base64 string (standard alphabet), stored decoded;</li>
 *   <li>type 2 (string): a JSON string, stored as UTF-8.</li>
 * </ul>
 * Exactly one of {@code text} (the value was a JSON string) and {@code json} (any other value, as
 * JSON text) is set.
 */
record WireData(String text, byte[] json) {

    /** Captures the value at the parser's current token (and its children). */
    static WireData capture(JsonParser parser, JsonFactory factory) throws IOException {
        if (parser.currentToken() == JsonToken.VALUE_STRING) {
            return new WireData(parser.getText(), null);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(64);
        try (JsonGenerator generator = factory.createGenerator(out)) {
            generator.copyCurrentStructureExact(parser);
        }
        return new WireData(null, out.toByteArray());
    }

    /** The stored bytes for {@code type}. */
    Payload toPayload(DataType type) {
        return new Payload(type, switch (type) {
            case JSON -> text != null ? quoted(text) : json; // strings inside json: DataType's check
            case BYTES -> base64(requireText(type));
            case STRING -> requireUnicode(requireText(type)).getBytes(StandardCharsets.UTF_8);
        });
    }

    /**
     * {@code text} when it is valid Unicode. A JSON string may escape half of a surrogate pair alone
     * ({@code "\\ud800"}); UTF-8 cannot encode that, and Java would store {@code ?} in its place.
     */
    private static String requireUnicode(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                throw new InvalidRecordException(String.format("data holds a lone surrogate \\u%04X at character %d; "
                        + "a string must be valid Unicode", (int) c, i));
            }
        }
        return text;
    }

    /** No character to escape in a JSON string, and none beyond ASCII (so no surrogate either). */
    private static boolean plainAscii(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x20 || c >= 0x80 || c == '"' || c == '\\') {
                return false;
            }
        }
        return true;
    }

    private String requireText(DataType type) {
        if (text == null) {
            throw new InvalidRecordException("data must be a JSON string for data_type " + type.code()
                    + (type == DataType.BYTES ? " (base64 of the bytes)" : ""));
        }
        return text;
    }

    private static byte[] base64(String text) {
        try {
            return Base64.getDecoder().decode(text);
        } catch (IllegalArgumentException e) {
            throw new InvalidRecordException("data is not valid base64 (standard alphabet) for data_type 1: " + e.getMessage());
        }
    }

    /** {@code text} as a JSON string's bytes, quoted and escaped; valid Unicode only (see {@link #requireUnicode}). */
    private static byte[] quoted(String text) {
        if (plainAscii(text)) { // the usual case: no escape, one byte per character
            byte[] out = new byte[text.length() + 2];
            out[0] = '"';
            System.arraycopy(text.getBytes(StandardCharsets.ISO_8859_1), 0, out, 1, text.length());
            out[out.length - 1] = '"';
            return out;
        }
        requireUnicode(text);
        StringBuilder out = new StringBuilder(text.length() + 2).append('"');
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString().getBytes(StandardCharsets.UTF_8);
    }
}
