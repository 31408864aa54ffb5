package storelog.store.file;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Directory operations as the engine's durability relies on them: a directory fsync whose failure is
 * an {@link UnrecoverableWriteException} (never retried) — but a directory that could not even be
 * opened (no descriptor left) is a {@link FileNotOpenedException}, retried like any operation that did
 * not run — and a durable creation of directories.
 */
final class Directories {

    private Directories() {
    }

    /**
     * Forces {@code dir}, so the creations, renames and deletions in it survive a crash. Only opening
     * the directory can fail for want of a descriptor ({@code fsync} itself never does).
     */
    static void force(Disk disk, Path dir) throws IOException {
        try {
            Uninterruptible.run(() -> disk.forceDirectory(dir));
        } catch (UnrecoverableWriteException e) {
            throw e;
        } catch (IOException e) {
            if (IoErrors.isDescriptorShortage(e)) { // the directory could not be opened: no fsync ran, nothing to distrust
                throw new FileNotOpenedException(dir, e);
            }
            throw UnrecoverableWriteException.fsyncFailed(dir, e);
        }
    }

    /**
     * Forces {@code dir} and every directory above it up to {@code root}, that one included: after
     * creating a partition's directories, whether this run created them or an earlier one that failed
     * halfway (its directories exist, their entries may not be durable). Forcing a directory that is
     * already durable costs little; partitions are created rarely.
     */
    static void forceUpTo(Disk disk, Path root, Path dir) throws IOException {
        for (Path d = dir; d != null && d.startsWith(root); d = d.getParent()) {
            force(disk, d);
        }
    }

    /**
     * Creates {@code dir} and its missing parents; with {@code durably}, forces each one created and
     * the directory that holds the outermost, so the new path survives a crash.
     */
    static void create(Disk disk, Path dir, boolean durably) throws IOException {
        var created = disk.createDirectories(dir);
        if (!durably || created.isEmpty()) {
            return;
        }
        for (Path d : created.reversed()) {
            force(disk, d);
        }
        Path holder = created.getFirst().getParent();
        if (holder != null) {
            force(disk, holder);
        }
    }
}
