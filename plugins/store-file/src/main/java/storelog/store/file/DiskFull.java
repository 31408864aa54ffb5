package storelog.store.file;

import java.io.IOException;

/** Recognises "the disk is full" among I/O errors: the one failure an append can fail cleanly from. */
final class DiskFull {

    private DiskFull() {
    }

    /** Whether {@code e} is ENOSPC ("No space left on device") or EDQUOT ("Disk quota exceeded"). */
    static boolean is(IOException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            String message = t.getMessage();
            if (message != null && (message.contains("No space left on device") || message.contains("Disk quota exceeded"))) {
                return true;
            }
        }
        return false;
    }
}
