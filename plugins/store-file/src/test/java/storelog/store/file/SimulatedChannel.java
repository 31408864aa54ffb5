package storelog.store.file;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.NonReadableChannelException;
import java.nio.channels.NonWritableChannelException;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Path;

/**
 * A {@link FileChannel} on a {@link PowerCutDisk} file: writes, truncations and forces become
 * operations of the disk's model, reads see the file's current content. What the engine uses is
 * here (positional and relative reads and writes, {@code size}, {@code truncate}, {@code force},
 * {@code tryLock}); the rest is refused.
 */
final class SimulatedChannel extends FileChannel {

    private final PowerCutDisk disk;
    private final PowerCutDisk.File file;
    private final Path path;
    private final boolean readable;
    private final boolean writable;
    private long position;

    SimulatedChannel(PowerCutDisk disk, PowerCutDisk.File file, Path path, boolean readable, boolean writable) {
        this.disk = disk;
        this.file = file;
        this.path = path;
        this.readable = readable;
        this.writable = writable;
    }

    private void check(boolean writing) throws IOException {
        if (!isOpen()) {
            throw new java.nio.channels.ClosedChannelException();
        }
        if (writing && !writable) {
            throw new NonWritableChannelException();
        }
        if (!writing && !readable) {
            throw new NonReadableChannelException();
        }
    }

    @Override
    public int read(ByteBuffer dst, long at) throws IOException {
        check(false);
        byte[] content = disk.content(file);
        if (at >= content.length) {
            return dst.hasRemaining() ? -1 : 0;
        }
        int n = (int) Math.min(dst.remaining(), content.length - at);
        dst.put(content, (int) at, n);
        return n;
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        int n = read(dst, position);
        if (n > 0) {
            position += n;
        }
        return n;
    }

    @Override
    public long read(ByteBuffer[] dsts, int offset, int length) {
        throw new UnsupportedOperationException("scattering reads are not simulated");
    }

    @Override
    public int write(ByteBuffer src, long at) throws IOException {
        check(true);
        byte[] bytes = new byte[src.remaining()];
        src.get(bytes);
        disk.write(file, path, at, bytes);
        return bytes.length;
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
        int n = write(src, position);
        position += n;
        return n;
    }

    @Override
    public long write(ByteBuffer[] srcs, int offset, int length) {
        throw new UnsupportedOperationException("gathering writes are not simulated");
    }

    @Override
    public long position() {
        return position;
    }

    @Override
    public FileChannel position(long newPosition) {
        position = newPosition;
        return this;
    }

    @Override
    public long size() throws IOException {
        if (!isOpen()) {
            throw new java.nio.channels.ClosedChannelException();
        }
        return disk.content(file).length;
    }

    @Override
    public FileChannel truncate(long size) throws IOException {
        check(true);
        disk.truncate(file, path, size);
        position = Math.min(position, size);
        return this;
    }

    @Override
    public void force(boolean metaData) throws IOException {
        if (!isOpen()) {
            throw new java.nio.channels.ClosedChannelException();
        }
        disk.force(file, path);
    }

    @Override
    public long transferTo(long at, long count, WritableByteChannel target) {
        throw new UnsupportedOperationException("not simulated");
    }

    @Override
    public long transferFrom(ReadableByteChannel src, long at, long count) {
        throw new UnsupportedOperationException("not simulated");
    }

    @Override
    public MappedByteBuffer map(MapMode mode, long at, long size) {
        throw new UnsupportedOperationException("not simulated");
    }

    @Override
    public FileLock lock(long at, long size, boolean shared) throws IOException {
        return tryLock(at, size, shared);
    }

    /** Always granted: one engine at a time uses a simulated disk. */
    @Override
    public FileLock tryLock(long at, long size, boolean shared) throws IOException {
        check(!shared);
        return new FileLock(this, at, size, shared) {
            private boolean valid = true;

            @Override
            public boolean isValid() {
                return valid && channel().isOpen();
            }

            @Override
            public void release() {
                valid = false;
            }
        };
    }

    @Override
    protected void implCloseChannel() {
        // the file's data stays where it is: in the simulated page cache
    }
}
