package storelog.store.file;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;

/**
 * A local disk that runs {@link #beforeForce} before every fsync of a {@code .store} file (not of
 * index files or directories): tests that make store fsyncs fail, throw or wait.
 */
abstract class StoreForceHook extends StoreChannelDisk {

    /** Runs on the fsyncing thread before the fsync of {@code file}; what it throws, the fsync throws. */
    abstract void beforeForce(Path file) throws IOException;

    @Override
    FileChannel wrapStore(Path file, FileChannel real) {
        return new ForwardingChannel(real) {
            @Override
            public void force(boolean metaData) throws IOException {
                beforeForce(file);
                super.force(metaData);
            }
        };
    }
}
