package storelog.store.file;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystemException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A local disk that fails operations at random, from a seed: opening, creating, deleting, renaming
 * files, directory fsyncs, and on channels writes (EIO, or ENOSPC after writing part of the bytes, as
 * a real short write does), fsyncs, truncations and reads. The decisions come from one seeded
 * sequence; which thread meets which decision depends on scheduling, so a seed names a run's fault
 * rate and pattern, not an exact interleaving. Off until {@link #arm}.
 */
final class FuzzDisk extends LocalDisk {

    static final String EIO = "Input/output error (fuzzed)";
    static final String ENOSPC = "No space left on device";

    private final SplittableRandom random;
    /** One operation in this many fails. */
    private final int oneIn;
    private volatile boolean armed;
    final AtomicLong injected = new AtomicLong();

    FuzzDisk(long seed, int oneIn) {
        this.random = new SplittableRandom(seed);
        this.oneIn = oneIn;
    }

    void arm() {
        armed = true;
    }

    void disarm() {
        armed = false;
    }

    /** Null, or the message of the failure to inject now. */
    private String fault() {
        if (!armed) {
            return null;
        }
        int draw;
        boolean full;
        synchronized (random) {
            draw = random.nextInt(oneIn);
            full = random.nextBoolean();
        }
        if (draw != 0) {
            return null;
        }
        injected.incrementAndGet();
        return full ? ENOSPC : EIO;
    }

    private void maybeFail(Path path) throws IOException {
        String fault = fault();
        if (fault != null) {
            throw new FileSystemException(path.toString(), null, fault);
        }
    }

    @Override
    public FileChannel open(Path file, OpenOption... options) throws IOException {
        maybeFail(file);
        return new FuzzChannel(super.open(file, options));
    }

    @Override
    public List<Path> createDirectories(Path dir) throws IOException {
        maybeFail(dir);
        return super.createDirectories(dir);
    }

    @Override
    public boolean deleteIfExists(Path path) throws IOException {
        maybeFail(path);
        return super.deleteIfExists(path);
    }

    @Override
    public void moveAtomically(Path source, Path target) throws IOException {
        maybeFail(source);
        super.moveAtomically(source, target);
    }

    @Override
    public void forceDirectory(Path dir) throws IOException {
        String fault = fault();
        if (fault != null) {
            throw new IOException(fault);
        }
        super.forceDirectory(dir);
    }

    private final class FuzzChannel extends ForwardingChannel {

        FuzzChannel(FileChannel real) {
            super(real);
        }

        private int write(ByteBuffer src, long position, boolean positional) throws IOException {
            String fault = fault();
            if (fault == ENOSPC && src.remaining() > 1) {
                ByteBuffer part = src.slice(src.position(), src.remaining() / 2);
                if (positional) {
                    real.write(part, position);
                } else {
                    real.write(part);
                }
            }
            if (fault != null) {
                throw new IOException(fault);
            }
            return positional ? real.write(src, position) : real.write(src);
        }

        @Override
        public int write(ByteBuffer src, long position) throws IOException {
            return write(src, position, true);
        }

        @Override
        public int write(ByteBuffer src) throws IOException {
            return write(src, -1, false);
        }

        @Override
        public void force(boolean metaData) throws IOException {
            String fault = fault();
            if (fault != null) {
                throw new IOException(fault);
            }
            real.force(metaData);
        }

        @Override
        public FileChannel truncate(long size) throws IOException {
            String fault = fault();
            if (fault != null) {
                throw new IOException(fault);
            }
            real.truncate(size);
            return this;
        }

        @Override
        public int read(ByteBuffer dst, long position) throws IOException {
            String fault = fault();
            if (fault != null) {
                throw new IOException(fault);
            }
            return real.read(dst, position);
        }
    }
}
