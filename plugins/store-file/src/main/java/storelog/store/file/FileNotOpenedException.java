package storelog.store.file;

import java.io.IOException;
import java.nio.file.Path;

/** A file could not be opened for an operation, so nothing of the operation happened (typically a descriptor shortage). */
final class FileNotOpenedException extends IOException {
    private static final long serialVersionUID = 1L;

    FileNotOpenedException(Path file, IOException cause) {
        super("cannot open " + file + ": " + cause.getMessage(), cause);
    }
}
