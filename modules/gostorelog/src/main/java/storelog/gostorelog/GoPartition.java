package storelog.gostorelog;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * One GoStoreLog partition directory.
 *
 * <p>Its segments are the file pairs {@code segment_<base>.store} / {@code segment_<base>.index},
 * {@code base} in decimal. Other files (and sub-directories) are not GoStoreLog data and are
 * ignored. A file named {@code segment_*.store} or {@code segment_*.index} whose base is not a
 * decimal offset, two files with the same base, or a store file without its index (or the other
 * way round) is a {@link GoStoreLogFormatException}.
 *
 * <p>A partition need not start at offset 0 (GoStoreLog may have deleted old segments): its
 * {@link #firstOffset()} is its first segment's base, and its records are checked to be consecutive
 * from there.
 */
public final class GoPartition {

    private static final Pattern SEGMENT_FILE = Pattern.compile("segment_(.*)\\.(store|index)");
    private static final Pattern DECIMAL = Pattern.compile("[0-9]{1,19}");

    private final Path directory;
    private List<GoSegment> segments;

    GoPartition(Path directory) {
        this.directory = directory;
    }

    /** The directory name as Java decodes it: GoStoreLog's raw partition key. */
    public String name() {
        return directory.getFileName().toString();
    }

    /** The partition's directory. */
    public Path directory() {
        return directory;
    }

    /**
     * Whether {@link #name()} is exactly the directory's name on disk. It is not when the name is
     * not valid in the JVM's file name encoding ({@code sun.jnu.encoding}, UTF-8 on most systems):
     * Java then decodes it lossily, and the key would not be the one GoStoreLog used.
     */
    public boolean nameIsExact() {
        return directory.resolveSibling(name()).equals(directory);
    }

    /**
     * The segments, by base offset. Listed once, then cached.
     *
     * @throws GoStoreLogFormatException when segment files are misnamed, duplicated or unpaired
     */
    public synchronized List<GoSegment> segments() throws IOException {
        if (segments == null) {
            segments = listSegments();
        }
        return segments;
    }

    /** The offset of the first record: the first segment's base; empty when there are no segments. */
    public OptionalLong firstOffset() throws IOException {
        List<GoSegment> all = segments();
        return all.isEmpty() ? OptionalLong.empty() : OptionalLong.of(all.getFirst().base());
    }

    /** How many records the index files list (complete entries), without reading them. */
    public long indexedRecords() throws IOException {
        return segments().stream().mapToLong(GoSegment::entries).sum();
    }

    /** The store files' total size in bytes. */
    public long storeBytes() throws IOException {
        return segments().stream().mapToLong(GoSegment::storeSize).sum();
    }

    /**
     * A cursor over the records, in offset order across the segments, checking each index entry and
     * frame. Close it when done.
     */
    public GoRecordCursor records() throws IOException {
        return new GoRecordCursor(segments());
    }

    private List<GoSegment> listSegments() throws IOException {
        Map<Long, Path> stores = new TreeMap<>();
        Map<Long, Path> indexes = new TreeMap<>();
        List<Path> files;
        try (Stream<Path> entries = Files.list(directory)) {
            files = entries.filter(Files::isRegularFile).sorted().toList();
        }
        for (Path file : files) {
            Matcher m = SEGMENT_FILE.matcher(file.getFileName().toString());
            if (!m.matches()) {
                continue;
            }
            if (!DECIMAL.matcher(m.group(1)).matches()) {
                throw new GoStoreLogFormatException(file, -1, -1,
                        "segment file name does not hold a decimal base offset: \"" + m.group(1) + "\"");
            }
            long base;
            try {
                base = Long.parseLong(m.group(1));
            } catch (NumberFormatException e) {
                throw new GoStoreLogFormatException(file, -1, -1, "segment base offset " + m.group(1) + " is too large");
            }
            Map<Long, Path> kind = m.group(2).equals("store") ? stores : indexes;
            Path other = kind.putIfAbsent(base, file);
            if (other != null) {
                throw new GoStoreLogFormatException(file, -1, -1,
                        "another segment file has the same base offset " + base + ": " + other.getFileName());
            }
        }
        List<GoSegment> found = new ArrayList<>();
        for (Map.Entry<Long, Path> store : stores.entrySet()) {
            Path index = indexes.get(store.getKey());
            if (index == null) {
                throw new GoStoreLogFormatException(store.getValue(), -1, -1,
                        "store file has no index file segment_" + store.getKey() + ".index beside it");
            }
            found.add(new GoSegment(store.getKey(), store.getValue(), index, Files.size(store.getValue()), Files.size(index)));
        }
        for (Map.Entry<Long, Path> index : indexes.entrySet()) {
            if (!stores.containsKey(index.getKey())) {
                throw new GoStoreLogFormatException(index.getValue(), -1, -1,
                        "index file has no store file segment_" + index.getKey() + ".store beside it");
            }
        }
        return List.copyOf(found);
    }

    @Override
    public String toString() {
        return "GoStoreLog partition " + directory;
    }
}
