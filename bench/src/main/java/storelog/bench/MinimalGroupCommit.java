package storelog.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The smallest group commit a bound can be measured with: one file, one lock, one buffer of pending
 * records (8-byte sequence, 4-byte length, the payload) and one platform sync thread that swaps the
 * buffer, writes it, fdatasyncs, publishes the durable sequence and unparks every appender it covered.
 * No frames, CRC, index, rolls or recovery: what any engine whose appenders park until their record's
 * fsync must also do, and nothing more. A reference for benchmarks only.
 */
final class MinimalGroupCommit implements AutoCloseable {

    private static final int CAPACITY = 1 << 20;

    private final Path path;
    private final FileChannel channel;
    private final boolean force;
    private final ReentrantLock lock = new ReentrantLock();
    private final Thread syncer;
    private ByteBuffer pending = ByteBuffer.allocateDirect(CAPACITY);
    private ByteBuffer writing = ByteBuffer.allocateDirect(CAPACITY);
    private List<Thread> waiting = new ArrayList<>();
    private List<Thread> waking = new ArrayList<>();
    private long appended;
    private volatile long durable;
    private volatile long fsyncs;
    private volatile boolean stopped;
    private volatile IOException failure;

    /** A new file in {@code dir}; without {@code force} the cycle skips the fdatasync (the wait and wake-up alone). */
    MinimalGroupCommit(Path dir, boolean force) throws IOException {
        Files.createDirectories(dir);
        this.path = Files.createTempFile(dir, "minimal-group-commit-", ".log");
        this.channel = FileChannel.open(path, StandardOpenOption.WRITE);
        this.force = force;
        this.syncer = Thread.ofPlatform().name("minimal-group-commit-sync").start(this::syncLoop);
    }

    /** Appends one record and returns once an fsync covered it; false when stopped or full first (nothing waited for). */
    boolean append(byte[] payload) {
        long mine;
        lock.lock();
        try {
            if (stopped || pending.remaining() < 12 + payload.length) {
                return false;
            }
            mine = ++appended;
            pending.putLong(mine).putInt(payload.length).put(payload);
            waiting.add(Thread.currentThread());
        } finally {
            lock.unlock();
        }
        LockSupport.unpark(syncer);
        while (durable < mine) {
            if (stopped) {
                return false;
            }
            LockSupport.park(this);
        }
        return true;
    }

    long fsyncs() {
        return fsyncs;
    }

    private void syncLoop() {
        long pos = 0;
        while (!stopped) {
            long upTo;
            lock.lock();
            try {
                ByteBuffer b = pending;
                pending = writing;
                writing = b;
                List<Thread> w = waiting;
                waiting = waking;
                waking = w;
                upTo = appended;
            } finally {
                lock.unlock();
            }
            if (waking.isEmpty()) {
                LockSupport.park(this);
                continue;
            }
            try {
                writing.flip();
                while (writing.hasRemaining()) {
                    pos += channel.write(writing, pos);
                }
                writing.clear();
                if (force) {
                    channel.force(false);
                }
            } catch (IOException e) {
                failure = e;
                stopped = true;
            }
            fsyncs = fsyncs + 1;
            durable = upTo;
            waking.forEach(LockSupport::unpark);
            waking.clear();
        }
        lock.lock();
        try {
            waiting.forEach(LockSupport::unpark);
        } finally {
            lock.unlock();
        }
    }

    /** Stops the sync thread (every waiting appender returns false) and deletes the file; throws its I/O failure, if any. */
    @Override
    public void close() throws IOException {
        stopped = true;
        LockSupport.unpark(syncer);
        try {
            syncer.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        channel.close();
        Files.deleteIfExists(path);
        if (failure != null) {
            throw failure;
        }
    }
}
