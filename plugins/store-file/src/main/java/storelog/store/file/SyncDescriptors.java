package storelog.store.file;

import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The descriptors {@link OpenFiles#force} fsyncs through ({@link Disk#openForSync}), kept open between
 * fsyncs of the same file for the files synced most recently, at most {@code capacity}: opening and
 * closing one per fsync cost a lone appender under {@code FSYNC=always} a fifth of its rate
 * (bench/RESULTS.md). Each is a descriptor of its own, never one a reader or writer uses, so no other
 * thread's interrupt can close it. Holding one across fsyncs loses nothing the kernel reports: an
 * open file description reports each write-back error that happened since it was opened once (Linux
 * 4.13+), and a descriptor whose fsync failed is closed, never used again.
 *
 * <p>A descriptor belongs to the file that had the name when it was opened: {@link #forget} (before
 * that file is deleted or renamed over) closes it, and one opened while a forget ran is used for its
 * fsync only, so an fsync never reaches a deleted file in place of the one now at the name.
 *
 * <p>Thread-safe. Finding one takes a lock, briefly; opening and closing run outside it.
 */
final class SyncDescriptors implements AutoCloseable {

    private static final Logger LOG = System.getLogger(SyncDescriptors.class.getName());

    /** At most this many are kept open. */
    static final int MAX_CAPACITY = 64;

    /** Opens a file's sync descriptor. */
    @FunctionalInterface
    interface Opener {
        Disk.FileSync open() throws IOException;
    }

    private final int capacity;
    private final ReentrantLock lock = new ReentrantLock();
    /** The kept descriptors, least recently used first. */
    private final LinkedHashMap<Path, Descriptor> kept = new LinkedHashMap<>(16, 0.75f, true);
    /** Names forgotten so far: a descriptor opened outside the lock is not kept if one was forgotten meanwhile. */
    private long forgotten;
    private boolean closed;

    /** For a budget of {@code maxOpenFiles} open files: an eighth of it, at most {@value #MAX_CAPACITY}. */
    static SyncDescriptors forOpenFiles(int maxOpenFiles) {
        return new SyncDescriptors(Math.min(MAX_CAPACITY, maxOpenFiles / 8));
    }

    SyncDescriptors(int capacity) {
        this.capacity = capacity;
    }

    /** A retained descriptor of {@code path}, opened by {@code opener} when none is kept. Release it with {@link #release}. */
    Descriptor acquire(Path path, Opener opener) throws IOException {
        long generation;
        lock.lock();
        try {
            if (closed) {
                throw new IllegalStateException("the storage engine is closed");
            }
            Descriptor found = kept.get(path);
            if (found != null) {
                found.users++;
                return found;
            }
            generation = forgotten;
        } finally {
            lock.unlock();
        }
        Descriptor opened = new Descriptor(path, opener.open());
        List<Descriptor> closing = new ArrayList<>();
        lock.lock();
        try {
            if (!closed && forgotten == generation && capacity > 0 && !kept.containsKey(path)) {
                opened.kept = true;
                kept.put(path, opened);
                for (Iterator<Descriptor> oldest = kept.values().iterator(); kept.size() > capacity && oldest.hasNext(); ) {
                    Descriptor d = oldest.next();
                    oldest.remove();
                    d.kept = false;
                    if (d.users == 0) {
                        closing.add(d);
                    }
                }
            }
        } finally {
            lock.unlock();
        }
        closing.forEach(Descriptor::closeQuietly);
        return opened; // not kept: closed when released
    }

    /**
     * Releases a descriptor {@link #acquire} returned; {@code failed}: its fsync did not succeed, and it
     * is closed (a later fsync through it could report success for what failed).
     */
    void release(Descriptor descriptor, boolean failed) {
        boolean close;
        lock.lock();
        try {
            descriptor.users--;
            if (failed && descriptor.kept) {
                kept.remove(descriptor.path);
                descriptor.kept = false;
            }
            close = descriptor.users == 0 && !descriptor.kept;
        } finally {
            lock.unlock();
        }
        if (close) {
            descriptor.closeQuietly();
        }
    }

    /** Closes {@code path}'s descriptor (before the file at that name is deleted or renamed over). */
    void forget(Path path) {
        Descriptor close = null;
        lock.lock();
        try {
            forgotten++;
            Descriptor d = kept.remove(path);
            if (d != null) {
                d.kept = false;
                if (d.users == 0) {
                    close = d;
                }
            }
        } finally {
            lock.unlock();
        }
        if (close != null) {
            close.closeQuietly();
        }
    }

    /** How many are kept open now. */
    int keptCount() {
        lock.lock();
        try {
            return kept.size();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void close() {
        List<Descriptor> closing = new ArrayList<>();
        lock.lock();
        try {
            closed = true;
            for (Descriptor d : kept.values()) {
                d.kept = false;
                if (d.users == 0) {
                    closing.add(d);
                }
            }
            kept.clear();
        } finally {
            lock.unlock();
        }
        closing.forEach(Descriptor::closeQuietly); // one in use closes when released
    }

    /** A sync descriptor and its users (lock held for both fields). */
    static final class Descriptor {
        private final Path path;
        private final Disk.FileSync sync;
        private int users = 1;
        private boolean kept;

        private Descriptor(Path path, Disk.FileSync sync) {
            this.path = path;
            this.sync = sync;
        }

        Disk.FileSync sync() {
            return sync;
        }

        private void closeQuietly() {
            try {
                sync.close();
            } catch (IOException e) {
                LOG.log(Level.WARNING, "closing the sync descriptor of {0} failed: {1}", path, e.getMessage());
            }
        }
    }
}
