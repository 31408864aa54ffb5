package storelog.store.file;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.zip.CRC32C;
import storelog.api.PartitionKey;

/**
 * The text of {@code DATA_DIR/.clean-shutdown} ({@link DataDirectory#CLEAN_MARKER}): a first line
 * with the time and the CRC32C of the rest, one {@code recover <partition path>} line per partition
 * still awaiting crash recovery, and an {@code end} line. {@link DataDirectory} writes and reads the
 * file; this class only makes and checks its text.
 */
final class CleanMarker {

    /** The marker's line prefix naming a partition that still awaits crash recovery. */
    private static final String RECOVER = "recover ";
    /**
     * The marker's last line. The marker is written in place, so a power cut before its fsync may leave
     * it empty or cut short (the directory entry durable, not all of the data): without this line it
     * could name only some of the partitions awaiting recovery and vouch for the rest.
     */
    private static final String END = "end\n";
    /** The first line's start; the line ends with {@link #CHECKSUM} and the CRC32C of every line after it. */
    private static final String CLOSED = "closed cleanly at ";
    /**
     * Before the checksum on the first line. A power cut before the marker's fsync can also leave it
     * <em>torn</em> (blocks written in any order: a zeroed first block, the {@code end} line there), and
     * a line can be damaged on the medium: a marker is believed only when its checksum holds and each
     * line between the first and the {@code end} names a partition — a lost or unreadable
     * {@code recover} line would vouch for a partition that never was recovered.
     */
    private static final String CHECKSUM = " crc32c ";

    private CleanMarker() {
    }

    /** The marker naming {@code notRecovered}, as {@link DataDirectory#markClean} writes it. */
    static String text(Collection<PartitionKey> notRecovered) {
        StringBuilder lines = new StringBuilder();
        for (PartitionKey key : notRecovered) {
            lines.append(RECOVER).append(String.join("/", key.relativePath())).append('\n');
        }
        lines.append(END);
        return CLOSED + Instant.now() + CHECKSUM + checksum(lines.toString()) + '\n' + lines;
    }

    /**
     * The partitions a clean-shutdown marker's {@code recover} lines name; null when the marker is not
     * whole and intact (cut short, torn, damaged: its checksum fails, or a line is not what
     * {@link #text} writes), so it vouches for nothing.
     */
    static Set<PartitionKey> unrecoveredIn(String marker) {
        int firstEnd = marker.indexOf('\n');
        if (!marker.endsWith(END) || firstEnd < 0 || !marker.startsWith(CLOSED)) {
            return null;
        }
        String first = marker.substring(0, firstEnd);
        int at = first.lastIndexOf(CHECKSUM);
        String rest = marker.substring(firstEnd + 1);
        if (at < 0 || !first.substring(at + CHECKSUM.length()).equals(checksum(rest))) {
            return null;
        }
        Set<PartitionKey> keys = new HashSet<>();
        String[] lines = rest.split("\n", -1); // the last one is the empty string after "end\n"
        for (int i = 0; i < lines.length - 2; i++) {
            if (!lines[i].startsWith(RECOVER)) {
                return null;
            }
            var key = PartitionKey.fromRelativePath(List.of(lines[i].substring(RECOVER.length()).split("/", -1)));
            if (key.isEmpty()) {
                return null;
            }
            keys.add(key.get());
        }
        return lines.length >= 2 && (lines[lines.length - 2] + "\n").equals(END) ? keys : null;
    }

    /** The CRC32C of {@code text}'s UTF-8 bytes, as eight lowercase hex digits. */
    private static String checksum(String text) {
        CRC32C crc = new CRC32C();
        crc.update(text.getBytes(StandardCharsets.UTF_8));
        return String.format("%08x", crc.getValue());
    }
}
