package storelog.store.file;

import java.io.IOException;
import java.nio.file.Path;

/**
 * What was written to a file is no longer known to be on disk: a write failed and undoing it failed
 * too, or an fsync failed (after which the kernel may have dropped the dirty pages and would let a
 * second fsync succeed: PostgreSQL's "fsyncgate"). Its partition must fail closed and recover from
 * disk at the next start; the failure is never retried into success and is never a clean "disk full".
 */
final class UnrecoverableWriteException extends IOException {
    private static final long serialVersionUID = 1L;

    private UnrecoverableWriteException(String message, IOException cause) {
        super(message, cause);
    }

    static UnrecoverableWriteException undoFailed(Path file, IOException cause) {
        return new UnrecoverableWriteException("write to " + file + " failed and could not be undone: " + cause.getMessage(), cause);
    }

    static UnrecoverableWriteException fsyncFailed(Path fileOrDirectory, IOException cause) {
        return new UnrecoverableWriteException("fsync of " + fileOrDirectory + " failed: " + cause.getMessage(), cause);
    }
}
