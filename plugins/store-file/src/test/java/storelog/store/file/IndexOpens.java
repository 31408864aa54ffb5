package storelog.store.file;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;

/** A local disk that counts the opens of {@code .index} files (tests of reads that leave the index closed). */
final class IndexOpens extends LocalDisk {

    final AtomicInteger opens = new AtomicInteger();

    @Override
    public FileChannel open(Path file, OpenOption... options) throws IOException {
        if (file.getFileName().toString().endsWith(".index")) {
            opens.incrementAndGet();
        }
        return super.open(file, options);
    }
}
