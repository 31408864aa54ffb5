package storelog.store.file;

import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.file.DirectoryIteratorException;
import java.nio.file.DirectoryStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import storelog.api.PartitionKey;

/**
 * Every partition of a data directory, found by decoding directory names ({@link PartitionKey}), one
 * at a time as {@code DATA_DIR} is read ({@link Disk#entries}): what must see every partition (the
 * listing, the metrics' counts, the background recovery after a crash, the clean-shutdown marker)
 * walks the directory when it needs to, instead of the engine listing it and holding an object per
 * partition from the open on. Hidden names, files and names that decode to no partition are skipped
 * (the last ones logged). A directory whose {@code stat} fails stops the walk with the error: a
 * partition skipped for an I/O error could miss its crash recovery. Stateless.
 */
final class PartitionWalk {

    private static final Logger LOG = System.getLogger(PartitionWalk.class.getName());

    private PartitionWalk() {
    }

    /**
     * Calls {@code visit} with each partition below {@code root}, in no particular order, until it
     * returns false; returns whether every partition was visited.
     */
    static boolean each(Disk disk, Path root, Predicate<PartitionKey> visit) throws IOException {
        return below(disk, root, List.of(), visit);
    }

    /** Every partition below {@code root}, in no particular order. */
    static List<PartitionKey> keys(Disk disk, Path root) throws IOException {
        List<PartitionKey> keys = new ArrayList<>();
        each(disk, root, keys::add);
        return keys;
    }

    private static boolean below(Disk disk, Path dir, List<String> levels, Predicate<PartitionKey> visit) throws IOException {
        try (DirectoryStream<Path> entries = disk.entries(dir)) {
            for (Path entry : entries) {
                String name = entry.getFileName().toString();
                if (name.startsWith(".") || !disk.directoryExists(entry)) {
                    continue;
                }
                List<String> path = new ArrayList<>(levels.size() + 1);
                path.addAll(levels);
                path.add(name);
                if (PartitionKey.isContinuation(name)) {
                    if (!below(disk, entry, path, visit)) {
                        return false;
                    }
                    continue;
                }
                var key = PartitionKey.fromRelativePath(path);
                if (key.isEmpty()) {
                    LOG.log(Level.WARNING, "ignoring {0}: not a partition directory", entry);
                } else if (!visit.test(key.get())) {
                    return false;
                }
            }
        } catch (DirectoryIteratorException e) {
            throw e.getCause();
        }
        return true;
    }
}
