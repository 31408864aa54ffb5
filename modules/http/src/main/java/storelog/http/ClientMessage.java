package storelog.http;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A failure's message as a client may read it: every absolute file path shortened to its last name
 * ({@code /var/lib/storelog/p/segment_0.store} becomes {@code .../segment_0.store}), so an error body
 * never shows where the data lives on the server. The full message goes to the log. Double-quoted
 * text (partition keys, which may look like paths) is kept as it is.
 */
final class ClientMessage {

    /** An absolute Unix path or a Windows drive path, starting a word, up to a space or punctuation. */
    private static final Pattern PATH = Pattern.compile("(?<![^\\s(\\[=,;'])(?:/|[A-Za-z]:\\\\)[^\\s,;:)\\]'\"]+");

    private ClientMessage() {
    }

    static String of(String message) {
        if (message == null) {
            return "error";
        }
        StringBuilder out = new StringBuilder(message.length());
        int from = 0;
        while (from < message.length()) {
            int quote = message.indexOf('"', from);
            int end = quote < 0 ? message.length() : quote;
            out.append(shortenPaths(message.substring(from, end)));
            if (quote < 0) {
                break;
            }
            int close = closingQuote(message, quote);
            out.append(message, quote, close);
            from = close;
        }
        return out.toString();
    }

    /** The index just past the quote closing the one at {@code open} (or the end), skipping {@code \"}. */
    private static int closingQuote(String message, int open) {
        for (int i = open + 1; i < message.length(); i++) {
            char c = message.charAt(i);
            if (c == '\\') {
                i++;
            } else if (c == '"') {
                return i + 1;
            }
        }
        return message.length();
    }

    private static String shortenPaths(String text) {
        Matcher m = PATH.matcher(text);
        StringBuilder out = new StringBuilder(text.length());
        while (m.find()) {
            String path = m.group().replaceAll("[/\\\\]+$", "");
            String name = path.substring(Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\')) + 1);
            m.appendReplacement(out, Matcher.quoteReplacement(".../" + name));
        }
        return m.appendTail(out).toString();
    }
}
