package storelog.store.file;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystemException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Injected storage failures: a {@link Disk} whose channels delegate to real ones but fail
 * fsyncs, report a full disk (after writing half the bytes, as a real short write would), fail
 * the next index writes, run out of file descriptors, or fail directory fsyncs, on demand. Counts
 * fsyncs of store files and keeps a journal of the file-system events the engine caused.
 */
final class Faults extends LocalDisk {

    volatile boolean failForce;
    /** File fsyncs through channels throw this, when set: an {@link Error}. */
    volatile Error forceThrows;
    /** The message of injected fsync failures (EIO by default; "No space left on device" for ENOSPC). */
    volatile String forceError = "injected fsync failure (EIO)";
    volatile String directoryForceError;
    /** Directory fsyncs throw this, when set: an {@link Error}, as a hand-off to an I/O thread that cannot start does. */
    volatile Error directoryForceThrows;
    /** The next this many directory fsyncs fail to open the directory with EMFILE (nothing forced). */
    final AtomicInteger directoryOpenShortages = new AtomicInteger();
    /** After the next rename (done), this many directory fsyncs fail to open the directory with EMFILE. */
    volatile int directoryOpenShortagesAfterMove;
    /** Fail fsyncs of index files only. */
    volatile boolean failIndexForce;
    volatile boolean diskFull;
    /** The next this many file creations or opens fail with EMFILE. */
    final AtomicInteger descriptorShortages = new AtomicInteger();
    /** The next this many opens of a file for its fsync ({@link #openForSync}) fail with EMFILE. */
    final AtomicInteger syncOpenShortages = new AtomicInteger();
    /** "force <file>", "force-dir <dir>", "create <file>", "delete <file>", "move <from> <to>", "mkdir <dir>", in order. */
    final List<String> events = Collections.synchronizedList(new ArrayList<>());
    final AtomicInteger failIndexWrites = new AtomicInteger();
    /** The next this many file truncations fail with EIO (an undo of a partial write that fails too). */
    final AtomicInteger failTruncates = new AtomicInteger();
    /** The next this many positional store writes (flushes) fail with EIO, writing nothing. */
    final AtomicInteger failStoreWrites = new AtomicInteger();
    /** Positional store writes (flushes) throw this, when set, writing nothing: an {@link Error}. */
    volatile Error storeWriteThrows;
    /**
     * The next this many positional store writes write the first half of their bytes and then fail
     * with ENOSPC (a short write, then the error), as {@link FuzzDisk} does at random.
     */
    final AtomicInteger shortStoreWrites = new AtomicInteger();
    /** When not negative: how many more positional index writes succeed before every later one fails. */
    final AtomicInteger indexWritesBeforeFailing = new AtomicInteger(-1);
    /** Creating a file whose name ends with this fails with ENOSPC (before anything is written). */
    volatile String failCreating;
    /** The next this many file deletions fail with EIO (nothing deleted). */
    final AtomicInteger failDeletes = new AtomicInteger();
    final AtomicInteger storeForces = new AtomicInteger();
    /**
     * The next store fsync fails once with EIO, and the "kernel" forgets the error (later fsyncs
     * succeed); when the fsyncing thread was interrupted meanwhile, the failure shows as
     * {@link java.nio.channels.ClosedByInterruptException}, as the JDK reports it (fsyncgate through an interrupt).
     */
    final AtomicBoolean failNextStoreForce = new AtomicBoolean();
    /** When armed, the next data fsync of a store file waits until released: a test acts while an fsync runs. */
    final Gate storeForceGate = new Gate();
    /** Counted down whenever a file is truncated (a test learns that a truncation is under way). */
    volatile CountDownLatch truncated = new CountDownLatch(1);
    /** Counted down whenever bytes are written to a store file at a position (a flush). */
    volatile CountDownLatch storeWritten = new CountDownLatch(1);

    /** A one-shot gate: the first caller after {@link #arm()} parks in {@link #pass()} until {@link #release()}. */
    static final class Gate {
        private final AtomicBoolean armed = new AtomicBoolean();
        private volatile CountDownLatch blocked = new CountDownLatch(1);
        private volatile CountDownLatch released = new CountDownLatch(1);

        void arm() {
            blocked = new CountDownLatch(1);
            released = new CountDownLatch(1);
            armed.set(true);
        }

        void pass() {
            if (armed.compareAndSet(true, false)) {
                blocked.countDown();
                try {
                    if (!released.await(60, TimeUnit.SECONDS)) {
                        throw new IllegalStateException("the gate was never released");
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }

        /** Waits (up to a deadline) until a caller is parked at the gate. */
        void awaitBlocked() throws InterruptedException {
            if (!blocked.await(30, TimeUnit.SECONDS)) {
                throw new AssertionError("nothing reached the gate within 30 s");
            }
        }

        void release() {
            released.countDown();
        }
    }

    @Override
    public FileSync openForSync(Path file) throws IOException {
        if (syncOpenShortages.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            throw new FileSystemException(file.toString(), null, "Too many open files");
        }
        return super.openForSync(file);
    }

    @Override
    public FileChannel open(Path path, OpenOption... options) throws IOException {
        if (descriptorShortages.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            throw new FileSystemException(path.toString(), null, "Too many open files");
        }
        if (Arrays.asList(options).contains(StandardOpenOption.CREATE_NEW)) {
            if (failCreating != null && path.getFileName().toString().endsWith(failCreating)) {
                throw new FileSystemException(path.toString(), null, "No space left on device");
            }
            events.add("create " + path);
        }
        return new FaultyChannel(FileChannel.open(path, options), path, path.getFileName().toString().endsWith(".index"));
    }

    @Override
    public List<Path> createDirectories(Path dir) throws IOException {
        List<Path> created = super.createDirectories(dir);
        created.forEach(d -> events.add("mkdir " + d));
        return created;
    }

    @Override
    public boolean deleteIfExists(Path path) throws IOException {
        if (failDeletes.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            throw new FileSystemException(path.toString(), null, "Input/output error (injected)");
        }
        events.add("delete " + path);
        return super.deleteIfExists(path);
    }

    @Override
    public void moveAtomically(Path source, Path target) throws IOException {
        events.add("move " + source + " " + target);
        super.moveAtomically(source, target);
        int shortages = directoryOpenShortagesAfterMove;
        if (shortages > 0) {
            directoryOpenShortagesAfterMove = 0;
            directoryOpenShortages.set(shortages);
        }
    }

    @Override
    public void forceDirectory(Path dir) throws IOException {
        Error error = directoryForceThrows;
        if (error != null) {
            throw error;
        }
        if (directoryForceError != null) {
            throw new IOException(directoryForceError);
        }
        if (directoryOpenShortages.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            events.add("emfile-dir " + dir);
            throw new java.nio.file.FileSystemException(dir.toString(), null, "Too many open files");
        }
        events.add("force-dir " + dir);
        super.forceDirectory(dir);
    }

    /** The index of the first event equal to {@code event} at or after {@code from}, or -1. */
    int indexOf(String event, int from) {
        synchronized (events) {
            for (int i = from; i < events.size(); i++) {
                if (events.get(i).equals(event)) {
                    return i;
                }
            }
            return -1;
        }
    }

    private final class FaultyChannel extends ForwardingChannel {
        private final Path path;
        private final boolean index;

        FaultyChannel(FileChannel real, Path path, boolean index) {
            super(real);
            this.path = path;
            this.index = index;
        }

        private int write(ByteBuffer src, long position, boolean positional) throws IOException {
            if (index && failIndexWrites.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                throw new IOException("injected index write failure");
            }
            if (index && positional && indexWritesBeforeFailing.getAndUpdate(n -> n > 0 ? n - 1 : n) == 0) {
                throw new IOException("injected index write failure");
            }
            Error error = storeWriteThrows;
            if (!index && positional && error != null) {
                throw error;
            }
            if (!index && positional && failStoreWrites.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                throw new IOException("injected store write failure (EIO)");
            }
            if (diskFull || (!index && positional && shortStoreWrites.getAndUpdate(n -> Math.max(0, n - 1)) > 0)) {
                int half = src.remaining() / 2;
                ByteBuffer part = src.slice(src.position(), half);
                if (positional) {
                    real.write(part, position);
                } else {
                    real.write(part);
                }
                throw new IOException("No space left on device");
            }
            int written = positional ? real.write(src, position) : real.write(src);
            if (positional && !index) {
                storeWritten.countDown();
            }
            return written;
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
            if (!index && !metaData) {
                storeForceGate.pass();
            }
            if (!index && failNextStoreForce.compareAndSet(true, false)) {
                if (Thread.currentThread().isInterrupted()) {
                    close();
                    throw new java.nio.channels.ClosedByInterruptException();
                }
                throw new IOException(forceError);
            }
            Error error = forceThrows;
            if (error != null) {
                throw error;
            }
            if (failForce || (index && failIndexForce)) {
                throw new IOException(forceError);
            }
            if (!index) {
                storeForces.incrementAndGet();
            }
            try {
                real.force(metaData);
            } catch (ClosedChannelException e) {
                close(); // as the real channel did (an interrupt): users reopen, as they would the real one
                throw e;
            }
            events.add("force " + path);
        }

        @Override
        public FileChannel truncate(long size) throws IOException {
            if (failTruncates.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                throw new IOException("injected truncate failure (EIO)");
            }
            real.truncate(size);
            truncated.countDown();
            return this;
        }
    }
}
