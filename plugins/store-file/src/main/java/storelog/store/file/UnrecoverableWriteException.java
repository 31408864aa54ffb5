package storelog.store.file;

import java.io.IOException;
import java.nio.file.Path;

/** A write failed and undoing it failed too: the file's tail is unknown, so its partition must fail closed. */
final class UnrecoverableWriteException extends IOException {
    private static final long serialVersionUID = 1L;

    UnrecoverableWriteException(Path file, IOException cause) {
        super("write to " + file + " failed and could not be undone: " + cause.getMessage(), cause);
    }
}
