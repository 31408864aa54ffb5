package storelog.it;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A node's GC log ({@code -Xlog:gc:file=...}, the JVM's unified logging, which the image's JVM has
 * like any other), read as it grows: every {@code Pause} line says the heap in use before and after
 * that collection ({@code GC(7) Pause Full (System.gc()) 41M->17M(247M) 38.1ms}). The heap after a
 * collection is what survived it; after a <em>full</em> collection it is the live heap, the figure a
 * leak shows in. Values are MiB (the log's unit). Not thread-safe: one sampler reads it.
 */
final class GcLog {

    private static final Pattern PAUSE = Pattern.compile("GC\\(\\d+\\) Pause (\\w+).*? (\\d+)M->(\\d+)M\\((\\d+)M\\)");

    /** The last collection seen: heap after it, and whether it was a full one. */
    record Collection(long afterMiB, boolean full) {
    }

    private final Path file;
    private long offset;
    private Collection last;
    private Collection lastFull;

    GcLog(Path file) {
        this.file = file;
    }

    /** The JVM option that writes the log this reads. */
    String option() {
        return "-Xlog:gc:file=" + file;
    }

    /** Reads what the JVM logged since the last call. */
    void update() {
        if (!Files.exists(file)) {
            return;
        }
        try (RandomAccessFile in = new RandomAccessFile(file.toFile(), "r")) {
            long length = in.length();
            if (length <= offset) {
                return;
            }
            byte[] bytes = new byte[(int) (length - offset)];
            in.seek(offset);
            in.readFully(bytes);
            String text = new String(bytes, StandardCharsets.UTF_8);
            int complete = text.lastIndexOf('\n') + 1; // a line still being written is read next time
            offset += text.substring(0, complete).getBytes(StandardCharsets.UTF_8).length;
            Matcher m = PAUSE.matcher(text.substring(0, complete));
            while (m.find()) {
                last = new Collection(Long.parseLong(m.group(3)), m.group(1).equals("Full"));
                if (last.full()) {
                    lastFull = last;
                }
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Heap after the last collection, MiB; -1 before the first. */
    long afterLast() {
        return last == null ? -1 : last.afterMiB();
    }

    /** Heap after the last full collection, MiB; -1 before the first. */
    long afterLastFull() {
        return lastFull == null ? -1 : lastFull.afterMiB();
    }
}
