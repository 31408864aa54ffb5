package storelog.store.file;

import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.file.DirectoryIteratorException;
import java.nio.file.DirectoryStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import storelog.api.PartitionKey;

/**
 * Every partition of a data directory, found by decoding directory names ({@link PartitionKey}), one
 * at a time as {@code DATA_DIR} is read ({@link Disk#entries}): what must see every partition (the
 * listing, the metrics' counts, the background recovery after a crash, the clean-shutdown marker)
 * walks the directory when it needs to, instead of the engine listing it and holding an object per
 * partition from the open on. Hidden names, files and names that decode to no partition are skipped
 * (the last ones logged); a name no partition has is skipped on its name alone, with no {@code stat} that
 * could fail (a symlink loop left in {@code DATA_DIR}). An entry named like a partition whose
 * {@code stat} fails stops the walk with the error: a partition skipped for an I/O error could miss
 * its crash recovery. Stateless.
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
                if (name.startsWith(".")) {
                    continue;
                }
                List<String> path = new ArrayList<>(levels.size() + 1);
                path.addAll(levels);
                path.add(name);
                boolean continuation = PartitionKey.isContinuation(name);
                var key = continuation ? Optional.<PartitionKey>empty() : PartitionKey.fromRelativePath(path);
                if (!continuation && key.isEmpty()) {
                    // no partition has this name, so no stat that could fail (a symlink loop) stops the walk for it
                    if (disk.isDirectory(entry)) {
                        LOG.log(Level.WARNING, "ignoring {0}: not a partition directory", entry);
                    }
                    continue;
                }
                if (!disk.directoryExists(entry)) {
                    continue;
                }
                if (continuation) {
                    if (!below(disk, entry, path, visit)) {
                        return false;
                    }
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
