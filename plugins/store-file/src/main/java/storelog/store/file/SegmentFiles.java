package storelog.store.file;

import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import storelog.api.PartitionKey;

/**
 * A partition directory's segment files, pairs of {@code segment_<base>.store|.index}: finding them,
 * opening them, creating a new pair.
 */
final class SegmentFiles {

    private static final Logger LOG = System.getLogger(SegmentFiles.class.getName());

    private SegmentFiles() {
    }

    /** The base offsets of the segment store files in {@code dir}, ascending; orphan and temporary files reported in {@code strays}. */
    static List<Long> bases(Path dir, List<Path> strays, Disk disk) throws IOException {
        TreeMap<Long, Boolean> stores = new TreeMap<>();
        List<Path> indexes = new ArrayList<>();
        for (Path file : disk.list(dir)) {
            var name = SegmentName.parse(file.getFileName().toString());
            if (name.isEmpty()) {
                if (!disk.isDirectory(file)) {
                    strays.add(file);
                }
            } else if (name.get().kind() == FileHeader.STORE) {
                stores.put(name.get().baseOffset(), true);
            } else {
                indexes.add(file);
            }
        }
        for (Path index : indexes) {
            if (!stores.containsKey(SegmentName.parse(index.getFileName().toString()).orElseThrow().baseOffset())) {
                strays.add(index);
            }
        }
        return new ArrayList<>(stores.keySet());
    }

    /**
     * The segments of a partition directory (none when it does not exist): all sealed but the last.
     * Leftovers are cleaned up: temporary files of an interrupted index rebuild and index files
     * whose store is gone (the index is derived data).
     */
    static List<Segment> load(PartitionKey key, Path dir, StoreContext context) throws IOException {
        Disk disk = context.disk();
        if (!disk.directoryExists(dir)) { // an error to stat is one, not "no partition"
            return List.of();
        }
        List<Path> strays = new ArrayList<>();
        List<Long> bases = bases(dir, strays, disk);
        List<Path> leftovers = strays.stream().filter(SegmentFiles::isLeftover).toList();
        for (Path leftover : leftovers) {
            LOG.log(Level.WARNING, "{0}: removing leftover {1}", key, leftover);
            disk.deleteIfExists(leftover);
        }
        if (!leftovers.isEmpty()) {
            Directories.force(disk, dir);
        }
        List<Segment> segments = new ArrayList<>(bases.size());
        for (int i = 0; i < bases.size(); i++) {
            long base = bases.get(i);
            boolean last = i == bases.size() - 1;
            long count = last ? 0 : bases.get(i + 1) - base;
            segments.add(open(key, dir, base, count, !last, context.files()));
        }
        return segments;
    }

    /**
     * Creates the files of a new, empty segment at {@code base}: headers written, and forced when
     * {@code sync}. All or nothing: when it fails, neither file is left behind (a leftover would make
     * the next creation at this base fail). A file already at one of the names is a leftover of a
     * failed creation or deletion (every segment of the partition has another name) and is replaced.
     */
    static Segment create(PartitionKey key, Path dir, long base, OpenFiles files, boolean sync) throws IOException {
        Disk disk = files.disk();
        Path store = SegmentName.storeFile(dir, base);
        Path index = SegmentName.indexFile(dir, base);
        Uninterruptible.run(() -> {
            for (Path leftover : List.of(store, index)) {
                if (disk.exists(leftover)) {
                    LOG.log(Level.WARNING, "{0}: replacing leftover {1}", key, leftover);
                    disk.deleteIfExists(leftover);
                }
            }
            try {
                writeNewFile(disk, store, FileHeader.STORE.encode(base), sync);
                writeNewFile(disk, index, FileHeader.INDEX.encode(base), sync);
            } catch (IOException | RuntimeException e) {
                for (Path created : List.of(store, index)) {
                    try {
                        disk.deleteIfExists(created);
                    } catch (IOException cleanup) {
                        e.addSuppressed(cleanup);
                    }
                }
                throw e;
            }
        });
        return new Segment(key, base, new BufferedFile(files, store, FileHeader.SIZE),
                new BufferedFile(files, index, FileHeader.SIZE), 0, false);
    }

    private static void writeNewFile(Disk disk, Path path, ByteBuffer header, boolean sync) throws IOException {
        try (FileChannel channel = disk.createNew(path)) {
            while (header.hasRemaining()) {
                channel.write(header);
            }
            if (sync) {
                try {
                    channel.force(true);
                } catch (IOException e) {
                    throw UnrecoverableWriteException.fsyncFailed(path, e);
                }
            }
        }
    }

    /**
     * A file the engine left behind: the temporary file of an interrupted index rebuild or history
     * rewrite, or an index without its store.
     */
    static boolean isLeftover(Path stray) {
        String name = stray.getFileName().toString();
        return name.endsWith(".index" + FileReplacement.TEMPORARY_SUFFIX) || name.equals(EpochHistoryFile.TEMPORARY_NAME)
                || SegmentName.parse(name).isPresent();
    }

    /** One existing segment, its files not opened yet. */
    static Segment open(PartitionKey key, Path dir, long base, long count, boolean sealed, OpenFiles files) throws IOException {
        Path store = SegmentName.storeFile(dir, base);
        Path index = SegmentName.indexFile(dir, base);
        Disk disk = files.disk();
        long indexSize = disk.exists(index) ? disk.size(index) : 0;
        return new Segment(key, base, new BufferedFile(files, store, disk.size(store)),
                new BufferedFile(files, index, indexSize), count, sealed);
    }
}
