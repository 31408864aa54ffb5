package storelog.api;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The key records are partitioned by: any non-empty UTF-8 string of at most {@value #MAX_BYTES}
 * bytes. Keys that begin with {@value #RESERVED_PREFIX} name internal partitions (such as
 * {@code __gaps}); {@link #isReserved()} tells, and client writes to them are refused by the core.
 *
 * <h2>Directory encoding</h2>
 * A key maps to a relative path under the data directory by a reversible, collision-free encoding
 * ({@link #relativePath()}, {@link #fromRelativePath(List)}):
 * <ul>
 *   <li>each of {@code a-z 0-9 - _} stands for itself; every other UTF-8 byte is written {@code %hh}
 *       with lowercase hex. Upper-case letters are escaped too, so two keys that differ only by case
 *       never map to names that a case-insensitive file system would confuse; {@code .}, {@code /},
 *       {@code \}, NUL and {@code %} are escaped, so no name is {@code .}, {@code ..} or holds a
 *       separator, and the result cannot leave the data directory;</li>
 *   <li>a name that is a Windows device name ({@code con}, {@code nul}, {@code com1} ...) has its
 *       first letter escaped;</li>
 *   <li>names longer than {@value #CHUNK} characters (a 255-byte key can need 765) are split into
 *       nested directories of at most {@value #CHUNK} characters; every level but the last ends in
 *       {@code +}, a character the escaping never produces.</li>
 * </ul>
 * Decoding accepts only the canonical form, so each directory belongs to at most one key.
 */
public final class PartitionKey implements Comparable<PartitionKey> {

    /** Largest key, in UTF-8 bytes. */
    public static final int MAX_BYTES = 255;
    /** Prefix of internal partitions; clients may not write there. */
    public static final String RESERVED_PREFIX = "__";
    /** Longest directory name one level of the encoding uses. */
    static final int CHUNK = 200;
    /** Suffix of a directory level that continues in a nested directory. */
    static final char CONTINUED = '+';

    private static final Set<String> DEVICE_NAMES = Set.of("con", "prn", "aux", "nul",
            "com0", "com1", "com2", "com3", "com4", "com5", "com6", "com7", "com8", "com9",
            "lpt0", "lpt1", "lpt2", "lpt3", "lpt4", "lpt5", "lpt6", "lpt7", "lpt8", "lpt9");
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private final String value;

    private PartitionKey(String value) {
        this.value = value;
    }

    /**
     * A partition key.
     *
     * @throws InvalidPartitionKeyException when it is null, empty, longer than 255 UTF-8 bytes or
     *                                      not valid Unicode (a lone surrogate)
     */
    public static PartitionKey of(String value) {
        if (value == null || value.isEmpty()) {
            throw new InvalidPartitionKeyException("partition key is empty");
        }
        byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
        if (utf8.length > MAX_BYTES) {
            throw new InvalidPartitionKeyException("partition key is " + utf8.length
                    + " bytes long in UTF-8; the limit is " + MAX_BYTES);
        }
        if (!new String(utf8, StandardCharsets.UTF_8).equals(value)) {
            throw new InvalidPartitionKeyException("partition key is not valid Unicode (lone surrogate)");
        }
        return new PartitionKey(value);
    }

    /** The key as given. */
    public String value() {
        return value;
    }

    /** Whether the key names an internal partition ({@code __} prefix). */
    public boolean isReserved() {
        return value.startsWith(RESERVED_PREFIX);
    }

    /** The directory levels this key maps to, relative to the data directory (see class doc). */
    public List<String> relativePath() {
        String name = escape(value.getBytes(StandardCharsets.UTF_8));
        if (name.length() <= CHUNK) {
            return List.of(name);
        }
        List<String> levels = new ArrayList<>();
        for (int start = 0; start < name.length(); start += CHUNK) {
            int end = Math.min(name.length(), start + CHUNK);
            levels.add(end < name.length() ? name.substring(start, end) + CONTINUED : name.substring(start, end));
        }
        return List.copyOf(levels);
    }

    /** The key's directory under {@code dataDir}. */
    public Path directoryIn(Path dataDir) {
        Path dir = dataDir;
        for (String level : relativePath()) {
            dir = dir.resolve(level);
        }
        return dir;
    }

    /** Whether a directory name is a non-final level of some key's path. */
    public static boolean isContinuation(String directoryName) {
        return directoryName.length() == CHUNK + 1 && directoryName.charAt(CHUNK) == CONTINUED;
    }

    /**
     * The key whose {@link #relativePath()} is {@code levels}, or empty when the levels are not the
     * canonical encoding of any key (a foreign directory).
     */
    public static Optional<PartitionKey> fromRelativePath(List<String> levels) {
        if (levels.isEmpty()) {
            return Optional.empty();
        }
        StringBuilder name = new StringBuilder();
        for (int i = 0; i < levels.size(); i++) {
            String level = levels.get(i);
            boolean last = i == levels.size() - 1;
            if (last == isContinuation(level)) {
                return Optional.empty();
            }
            name.append(last ? level : level.substring(0, CHUNK));
        }
        byte[] utf8 = unescape(name.toString());
        if (utf8 == null || utf8.length == 0 || utf8.length > MAX_BYTES || Utf8.problem(utf8, 0, utf8.length) != null) {
            return Optional.empty();
        }
        PartitionKey key = new PartitionKey(new String(utf8, StandardCharsets.UTF_8));
        return key.relativePath().equals(levels) ? Optional.of(key) : Optional.empty();
    }

    private static String escape(byte[] utf8) {
        StringBuilder out = new StringBuilder(utf8.length + 8);
        for (byte b : utf8) {
            if (isPlain(b)) {
                out.append((char) b);
            } else {
                appendEscaped(out, b);
            }
        }
        if (DEVICE_NAMES.contains(out.toString())) {
            StringBuilder guarded = new StringBuilder();
            appendEscaped(guarded, utf8[0]);
            return guarded.append(out, 1, out.length()).toString();
        }
        return out.toString();
    }

    private static void appendEscaped(StringBuilder out, byte b) {
        out.append('%').append(HEX[(b >> 4) & 0xF]).append(HEX[b & 0xF]);
    }

    private static boolean isPlain(byte b) {
        return (b >= 'a' && b <= 'z') || (b >= '0' && b <= '9') || b == '-' || b == '_';
    }

    /** Inverse of {@link #escape}, or null for anything that is not an escaped form. */
    private static byte[] unescape(String name) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(name.length());
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c == '%') {
                if (i + 2 >= name.length()) {
                    return null;
                }
                int hi = Character.digit(name.charAt(i + 1), 16);
                int lo = Character.digit(name.charAt(i + 2), 16);
                if (hi < 0 || lo < 0) {
                    return null;
                }
                out.write(hi << 4 | lo);
                i += 2;
            } else if (c < 0x80 && isPlain((byte) c)) {
                out.write(c);
            } else {
                return null;
            }
        }
        return out.toByteArray();
    }

    @Override
    public int compareTo(PartitionKey other) {
        return value.compareTo(other.value);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PartitionKey other && value.equals(other.value);
    }

    @Override
    public int hashCode() {
        return value.hashCode();
    }

    /** The key in quotes, with control characters escaped, for messages and logs. */
    @Override
    public String toString() {
        StringBuilder out = new StringBuilder(value.length() + 2).append('"');
        value.codePoints().forEach(cp -> {
            if (cp < 0x20 || cp == 0x7F) {
                out.append(String.format("\\u%04x", cp));
            } else {
                out.appendCodePoint(cp);
            }
        });
        return out.append('"').toString();
    }
}
