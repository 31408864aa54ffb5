package storelog.store.file;

import java.io.IOException;
import java.nio.file.Path;

/** Directory fsync as the engine relies on it: a failure is an {@link UnrecoverableWriteException}, never retried. */
final class Directories {

    private Directories() {
    }

    /** Forces {@code dir}, so the creations, renames and deletions in it survive a crash. */
    static void force(Disk disk, Path dir) throws UnrecoverableWriteException {
        try {
            disk.forceDirectory(dir);
        } catch (UnrecoverableWriteException e) {
            throw e;
        } catch (IOException e) {
            throw UnrecoverableWriteException.fsyncFailed(dir, e);
        }
    }
}
