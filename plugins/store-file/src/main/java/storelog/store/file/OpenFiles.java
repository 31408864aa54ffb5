package storelog.store.file;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;

/**
 * The bounded set of open segment files. Files are opened on first use and closed, least recently
 * used first, when more than {@code capacity} are open, so 10,000 partitions do not exhaust file
 * descriptors. A file in use is never closed under its user: users hold a {@link Handle} (reference
 * counted) for the length of one operation; an evicted handle closes when its last user lets go.
 *
 * <p>fsyncs do not use these shared descriptors: they go through descriptors of their own
 * ({@link #force}, {@link SyncDescriptors}).
 *
 * <p>Thread-safe. Finding and retaining a cached handle takes one lock, briefly; the syscalls that open
 * and close files run outside it.
 */
final class OpenFiles implements AutoCloseable {

    private final Disk disk;
    private final int capacity;
    private final LongAdder fsyncs = new LongAdder();
    private final LongAdder hits = new LongAdder();
    private final LongAdder misses = new LongAdder();
    private final ReentrantLock lock = new ReentrantLock();
    private final Map<Path, Handle> open = new HashMap<>();
    /** The descriptors fsyncs go through ({@link #force}). */
    private final SyncDescriptors syncs;
    /** Files forgotten so far: a file opened outside the lock is not cached if one was forgotten meanwhile. */
    private long forgotten;
    private boolean closed;

    OpenFiles(Disk disk, int capacity) {
        this.disk = disk;
        this.capacity = capacity;
        this.syncs = SyncDescriptors.forOpenFiles(capacity);
    }

    /**
     * A retained handle on {@code path} (read-write; the file must exist). Release it with {@link Handle#close()}.
     * The file is opened, and evicted files closed, outside the lock every acquisition takes: a scan of
     * cold partitions opens a file on every acquisition, and no one should wait for another's syscalls.
     */
    Handle acquire(Path path) throws IOException {
        while (true) {
            long generation;
            lock.lock();
            try {
                checkOpen();
                Handle handle = open.get(path);
                if (handle != null && handle.tryRetain()) {
                    hits.increment();
                    return handle;
                }
                generation = forgotten;
            } finally {
                lock.unlock();
            }
            FileChannel channel = withDescriptors(() -> disk.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE));
            Handle handle = new Handle(path, channel);
            List<Handle> closing;
            Handle other = null;
            lock.lock();
            try {
                if (closed || forgotten != generation) {
                    closing = List.of(handle); // closed, or a file forgotten meanwhile (maybe this one, renamed over): again
                    handle = null;
                } else if ((other = open.get(path)) != null && other.tryRetain()) {
                    closing = List.of(handle); // another caller opened it meanwhile
                    handle = null;
                } else {
                    other = null;
                    misses.increment();
                    open.put(path, handle);
                    closing = evictIdle();
                }
            } finally {
                lock.unlock();
            }
            closing.forEach(Handle::closeChannel);
            if (handle != null) {
                return handle;
            }
            if (other != null) {
                hits.increment();
                return other;
            }
        }
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("the storage engine is closed");
        }
    }

    /** A file operation that needs a new descriptor. */
    @FunctionalInterface
    interface Opening<T> {
        T open() throws IOException;
    }

    /**
     * Runs {@code opening}; when the process is out of file descriptors, closes every idle file of the
     * engine and tries once more (the engine's own cache may be what holds them).
     */
    <T> T withDescriptors(Opening<T> opening) throws IOException {
        try {
            return opening.open();
        } catch (IOException e) {
            if (!IoErrors.isDescriptorShortage(e)) {
                throw e;
            }
            List<Handle> closing;
            lock.lock();
            try {
                closing = closeIdle(open.size());
            } finally {
                lock.unlock();
            }
            closing.forEach(Handle::closeChannel);
            return opening.open();
        }
    }

    /** The disk the files are on. */
    Disk disk() {
        return disk;
    }

    /** Closes and forgets the file's handle and sync descriptor (before a file is deleted or renamed). */
    void forget(Path path) {
        syncs.forget(path);
        lock.lock();
        try {
            forgotten++;
            Handle handle = open.remove(path);
            if (handle != null) {
                handle.evict();
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * fsync of {@code path}'s data through a descriptor of its own ({@link Disk#openForSync}). Not through
     * the shared descriptor: that one may have been evicted, or be closed at any moment by the
     * interrupt of another thread using it — and the JDK then reports the close instead of the
     * fsync's own error, so an fsync that failed would be retried on a new descriptor and (the kernel
     * having reported and cleared the error) succeed: PostgreSQL's "fsyncgate". An fsync on any
     * descriptor of a file covers every write made to it through any other, and reports a write-back
     * error no one was told of yet. The descriptors of the files synced most recently stay open for
     * their next fsync ({@link SyncDescriptors}); one whose fsync failed is closed. A descriptor that an
     * interrupt would close is synced on a thread nobody interrupts ({@link Uninterruptible}); the local
     * disk's is not, and the caller syncs itself (a virtual one only while few others do:
     * {@link Uninterruptible#runOnCaller}).
     *
     *
     * <p>The file may be deleted meanwhile: {@code deleted} is asked once the descriptor is had, and
     * when it says so nothing is synced. A descriptor had after the deletion may be of the file created
     * at the name since (a segment made again at the same base), and the kernel reports a write-back
     * error once: an fsync for the deleted file, which ignores its outcome, would take the new file's
     * error, and the new file's own fsync would then succeed. A descriptor had before the deletion (it
     * said no) is the deleted file's own.
     *
     * @return whether it synced (false: the file was deleted, nothing was done)
     * @throws FileNotOpenedException when no descriptor could be had (nothing was forced, nothing failed)
     * @throws IOException            when the fsync failed
     */
    boolean force(Path path, BooleanSupplier deleted) throws IOException {
        SyncDescriptors.Descriptor descriptor;
        try {
            descriptor = syncs.acquire(path, () -> withDescriptors(() -> disk.openForSync(path)));
        } catch (IOException e) {
            throw new FileNotOpenedException(path, e);
        }
        boolean failed = true;
        try {
            if (deleted.getAsBoolean()) {
                failed = false;
                return false;
            }
            Disk.FileSync sync = descriptor.sync();
            if (sync.interruptible()) {
                Uninterruptible.run(sync::sync);
            } else {
                Uninterruptible.runOnCaller(sync::sync);
            }
            failed = false;
        } finally {
            syncs.release(descriptor, failed);
        }
        fsyncs.increment();
        return true;
    }

    /** fsyncs of segment files so far. */
    long fsyncs() {
        return fsyncs.sum();
    }

    /**
     * Counts a use of a file that found it open without asking this class (a {@link BufferedFile}'s
     * own reference to its handle): a hit as much as one found here.
     */
    void hit() {
        hits.increment();
    }

    /** Uses of a file that found it open already (the LRU's hits), here or through a handle its user kept ({@link #hit()}). */
    long hits() {
        return hits.sum();
    }

    /** Acquisitions that had to open the file (the LRU's misses: first uses and reopenings after eviction). */
    long misses() {
        return misses.sum();
    }

    /** How many files are open now. */
    int openCount() {
        lock.lock();
        try {
            return open.size();
        } finally {
            lock.unlock();
        }
    }

    /**
     * An idle handle and when it was last used, read once: users retain handles without this class's
     * lock and move {@code lastUse} while a sort would compare it (which breaks the sort's contract).
     */
    private record Idle(Handle handle, long lastUse) {
    }

    /**
     * Over capacity, takes the least recently used idle files out, down to 7/8 of it: one sort of the
     * open files per {@code capacity / 8} misses, not one per miss (a scan of cold partitions misses on
     * every file, and the sort runs under the lock every acquisition takes). Returns them, for the
     * caller to close once it released the lock.
     */
    private List<Handle> evictIdle() {
        int excess = open.size() - capacity;
        return excess > 0 ? closeIdle(excess + capacity / 8) : List.of();
    }

    /**
     * Takes up to {@code excess} files nobody uses out, least recently used first (lock held): each is
     * closed for users from now on; the caller closes their channels ({@link Handle#closeChannel}).
     */
    private List<Handle> closeIdle(int excess) {
        List<Idle> idle = new ArrayList<>();
        for (Handle h : open.values()) {
            if (h.refs.get() == 0) {
                idle.add(new Idle(h, h.lastUse));
            }
        }
        idle.sort(Comparator.comparingLong(Idle::lastUse));
        List<Handle> taken = new ArrayList<>();
        for (int i = 0; i < idle.size() && taken.size() < excess; i++) {
            Handle h = idle.get(i).handle();
            if (h.refs.compareAndSet(0, Handle.CLOSED)) {
                open.remove(h.path);
                taken.add(h);
            }
        }
        return taken;
    }

    @Override
    public void close() {
        syncs.close();
        lock.lock();
        try {
            closed = true;
            open.values().forEach(Handle::evict);
            open.clear();
        } finally {
            lock.unlock();
        }
    }

    /**
     * A reference-counted open file. {@code refs} is the number of users, or {@link #CLOSED} once the
     * channel is closed; an evicted handle with users closes when the last one releases it.
     */
    static final class Handle implements AutoCloseable {
        private static final int CLOSED = -1;

        private final Path path;
        private final FileChannel channel;
        private final AtomicInteger refs = new AtomicInteger(1);
        private volatile boolean evicted;
        private volatile long lastUse = System.nanoTime();

        private Handle(Path path, FileChannel channel) {
            this.path = path;
            this.channel = channel;
        }

        FileChannel channel() {
            return channel;
        }

        /** Adds a user unless the channel is closed (by eviction, or by an interrupted user) or evicted. */
        boolean tryRetain() {
            while (true) {
                int r = refs.get();
                if (r == CLOSED || evicted || !channel.isOpen()) {
                    return false;
                }
                if (refs.compareAndSet(r, r + 1)) {
                    lastUse = System.nanoTime();
                    return true;
                }
            }
        }

        /**
         * Makes this the least recently used file: the first the LRU closes, unless it is used again
         * before (a file its user knows it will not need soon).
         */
        void demote() {
            lastUse = Long.MIN_VALUE;
        }

        /** Releases one use. */
        @Override
        public void close() {
            if (refs.decrementAndGet() == 0 && evicted) {
                tryClose();
            }
        }

        private void evict() {
            evicted = true;
            tryClose();
        }

        /** Closes the channel if nobody uses it. */
        private boolean tryClose() {
            if (!refs.compareAndSet(0, CLOSED)) {
                return false;
            }
            closeChannel();
            return true;
        }

        /** Closes the channel (nobody uses it: {@code refs} is {@link #CLOSED}, or it never had a user). */
        private void closeChannel() {
            try {
                channel.close();
            } catch (IOException e) {
                System.getLogger(OpenFiles.class.getName()).log(System.Logger.Level.WARNING,
                        "closing " + path + " failed: " + e);
            }
        }
    }
}
