package storelog.store.file;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Replacing a small file's whole content atomically: a temporary file beside it ({@code <name>.tmp})
 * is written and forced, renamed over it, and the directory is forced. A crash leaves either the old
 * content or the new one, never a mix (and perhaps the temporary file, which recovery removes). Used
 * for the leader-epoch history and, through {@link BufferedFile#replaceWith}, index rebuilds; every
 * step goes through the {@link Disk}.
 */
final class FileReplacement {

    /** Name suffix of the temporary file; a leftover one is removed at recovery. */
    static final String TEMPORARY_SUFFIX = ".tmp";

    private FileReplacement() {
    }

    /**
     * Makes {@code content} the content of {@code target}, durably when it returns. When it fails
     * before the rename, {@code target} is untouched and the temporary file is removed (best effort:
     * a full disk gets its space back); a failed directory fsync after the rename, even one that could
     * not open the directory, is an {@link UnrecoverableWriteException}.
     */
    static void replace(Disk disk, Path target, byte[] content) throws IOException {
        Path temporary = target.resolveSibling(target.getFileName() + TEMPORARY_SUFFIX);
        try {
            Uninterruptible.run(() -> {
                try (FileChannel channel = disk.open(temporary, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                        StandardOpenOption.TRUNCATE_EXISTING)) {
                    ByteBuffer src = ByteBuffer.wrap(content);
                    while (src.hasRemaining()) {
                        channel.write(src);
                    }
                    channel.force(true);
                }
            });
            disk.moveAtomically(temporary, target);
        } catch (IOException | RuntimeException e) {
            try {
                disk.deleteIfExists(temporary);
            } catch (IOException cleanup) {
                e.addSuppressed(cleanup);
            }
            throw e;
        }
        try {
            Directories.force(disk, target.getParent());
        } catch (FileNotOpenedException e) { // the rename happened: not an operation that did not run, so not retryable
            // (a caller that restores its state in memory, the epoch history, would disagree with the file)
            throw UnrecoverableWriteException.fsyncFailed(target.getParent(), e);
        }
    }
}
