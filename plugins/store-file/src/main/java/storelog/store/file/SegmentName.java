package storelog.store.file;

import java.nio.file.Path;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Segment file names, GoStoreLog's: {@code segment_<baseOffset>.store} and
 * {@code segment_<baseOffset>.index}, the base offset in plain decimal. Parsed by one regex, here.
 *
 * @param baseOffset offset of the segment's first record
 * @param kind       which of the pair
 */
record SegmentName(long baseOffset, FileHeader kind) {

    private static final Pattern NAME = Pattern.compile("segment_(0|[1-9][0-9]{0,18})\\.(store|index)");

    /** The segment name of a file name, if it is one. */
    static Optional<SegmentName> parse(String fileName) {
        Matcher m = NAME.matcher(fileName);
        if (!m.matches()) {
            return Optional.empty();
        }
        long base;
        try {
            base = Long.parseLong(m.group(1));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
        return Optional.of(new SegmentName(base, m.group(2).equals("store") ? FileHeader.STORE : FileHeader.INDEX));
    }

    static Path storeFile(Path dir, long baseOffset) {
        return dir.resolve("segment_" + baseOffset + ".store");
    }

    static Path indexFile(Path dir, long baseOffset) {
        return dir.resolve("segment_" + baseOffset + ".index");
    }
}
