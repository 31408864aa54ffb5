package storelog.store.file;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.OpenOption;
import java.nio.file.Path;

/**
 * A local disk whose {@code .store} files' channels pass through {@link #wrapStore} (index files and
 * directories do not): tests that intercept a store's reads or fsyncs.
 */
abstract class StoreChannelDisk extends LocalDisk {

    /** The channel the engine gets for store {@code file}, opened as {@code real}. */
    abstract FileChannel wrapStore(Path file, FileChannel real);

    @Override
    public FileChannel open(Path file, OpenOption... options) throws IOException {
        FileChannel real = super.open(file, options);
        return file.getFileName().toString().endsWith(".store") ? wrapStore(file, real) : real;
    }
}
