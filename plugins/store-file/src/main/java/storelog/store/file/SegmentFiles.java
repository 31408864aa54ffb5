package storelog.store.file;

import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
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

    /**
     * What a partition directory holds: the base offsets of its segment store files, ascending; the
     * files the engine left behind ({@link #isLeftover}); whether its leader-epoch history file is there.
     */
    record Listing(List<Long> bases, List<Path> leftovers, boolean epochHistory) {
    }

    /**
     * Lists a partition directory: one listing, and a {@code stat} only of a name a leftover file could
     * have (a directory of that name is none). A cold partition's first use lists its directory, so the
     * listing also answers whether the leader-epoch history exists.
     */
    static Listing list(Path dir, Disk disk) throws IOException {
        TreeMap<Long, Boolean> stores = new TreeMap<>();
        List<Path> indexes = new ArrayList<>();
        List<Path> leftovers = new ArrayList<>();
        boolean epochHistory = false;
        for (Path file : disk.list(dir)) {
            String fileName = file.getFileName().toString();
            var name = SegmentName.parse(fileName);
            if (name.isEmpty()) {
                epochHistory |= fileName.equals(EpochHistoryFile.NAME);
                if (isLeftover(file) && !disk.isDirectory(file)) {
                    leftovers.add(file);
                }
            } else if (name.get().kind() == FileHeader.STORE) {
                stores.put(name.get().baseOffset(), true);
            } else {
                indexes.add(file);
            }
        }
        for (Path index : indexes) {
            if (!stores.containsKey(SegmentName.parse(index.getFileName().toString()).orElseThrow().baseOffset())) {
                leftovers.add(index);
            }
        }
        return new Listing(new ArrayList<>(stores.keySet()), leftovers, epochHistory);
    }

    /** The segments of a partition directory and whether its leader-epoch history file is there ({@link #load}). */
    record Found(List<Segment> segments, boolean epochHistory) {
    }

    /**
     * The segments of a partition directory (none when it does not exist): all sealed but the last.
     * Leftovers are cleaned up: temporary files of an interrupted index rebuild and index files
     * whose store is gone (the index is derived data).
     */
    static Found load(PartitionKey key, Path dir, StoreContext context) throws IOException {
        Disk disk = context.disk();
        Listing listing;
        try { // no stat first: an error to list is one (thrown), not "no partition"
            listing = list(dir, disk);
        } catch (NoSuchFileException | NotDirectoryException e) {
            return new Found(List.of(), false);
        }
        for (Path leftover : listing.leftovers()) {
            LOG.log(Level.WARNING, "{0}: removing leftover {1}", key, leftover);
            disk.deleteIfExists(leftover);
        }
        if (!listing.leftovers().isEmpty()) {
            Directories.force(disk, dir);
        }
        List<Long> bases = listing.bases();
        List<Segment> segments = new ArrayList<>(bases.size());
        for (int i = 0; i < bases.size(); i++) {
            long base = bases.get(i);
            boolean last = i == bases.size() - 1;
            long count = last ? 0 : bases.get(i + 1) - base;
            segments.add(open(key, dir, base, count, !last, context.files()));
        }
        return new Found(segments, listing.epochHistory());
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

    /**
     * One existing segment. A sealed one's files are not opened yet (the sizes from their paths); the
     * active one's are opened now (the sizes from the descriptors): it is read at once, by its recovery.
     */
    static Segment open(PartitionKey key, Path dir, long base, long count, boolean sealed, OpenFiles files) throws IOException {
        Path store = SegmentName.storeFile(dir, base);
        Path index = SegmentName.indexFile(dir, base);
        Disk disk = files.disk();
        BufferedFile storeFile = sealed ? new BufferedFile(files, store, disk.size(store)) : BufferedFile.opened(files, store);
        BufferedFile indexFile;
        try {
            indexFile = sealed ? new BufferedFile(files, index, disk.size(index)) : BufferedFile.opened(files, index);
        } catch (NoSuchFileException e) { // derived data: rebuilt from the store
            indexFile = new BufferedFile(files, index, 0);
        }
        return new Segment(key, base, storeFile, indexFile, count, sealed);
    }
}
