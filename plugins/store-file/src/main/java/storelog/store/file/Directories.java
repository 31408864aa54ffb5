package storelog.store.file;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** Directory operations the engine's durability rests on. */
final class Directories {

    private Directories() {
    }

    /** fsync of a directory, so file creations, renames and deletions in it survive a crash. */
    static void force(Path dir) throws IOException {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        }
    }
}
