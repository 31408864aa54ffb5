package storelog.store.file;

import java.io.IOException;

/**
 * Runs a short file operation on a channel of its own with the caller's interrupt held back and
 * restored afterwards: a {@link java.nio.channels.FileChannel} used by an interrupted thread closes
 * itself and fails the operation, and a cancelled request must not fail a segment creation, an
 * index rebuild or a directory fsync for the whole partition. (Shared channels retry instead, see
 * {@link BufferedFile}.)
 */
final class Uninterruptible {

    /** A file operation. */
    @FunctionalInterface
    interface Operation {
        void run() throws IOException;
    }

    private Uninterruptible() {
    }

    static void run(Operation operation) throws IOException {
        boolean interrupted = Thread.interrupted();
        try {
            operation.run();
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
