package storelog.store.file;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A segment file seen as its bytes on disk followed by bytes still in a write buffer. Appends go to
 * the buffer; {@link #flush()} hands them to the OS in one positional write; readers read only the
 * flushed part. Batching writes this way is what lets one thread append millions of small records a
 * second (one syscall per buffer, not per record).
 *
 * <p>What it guarantees:
 * <ul>
 *   <li>A failed flush leaves the file exactly as it was before the flush (it is truncated back) and
 *       keeps the buffer, so nothing is half-written and the data can be flushed again later; a
 *       failed {@link #overwrite} puts back the bytes it replaced. When even that undo fails, they
 *       throw {@link UnrecoverableWriteException}.</li>
 *   <li>{@link #force()} returns normally only once an fsync that <em>started after</em> every write
 *       made before the call succeeded: a caller never hears "synced" while another thread's fsync of
 *       the same bytes is still running or has failed.</li>
 *   <li>A failed fsync is final: it throws {@link UnrecoverableWriteException}, and so does every
 *       later {@code force()} of this file (never retried into success). An fsync that could not get
 *       a descriptor never ran: that is a {@link FileNotOpenedException}, and a later {@code force()}
 *       tries again.</li>
 * </ul>
 *
 * <p>Threading: appending, flushing, truncating and overwriting are guarded by the owning partition's
 * lock. {@link #force()}, {@link #flushedSize()} and {@link #read} may be called by any thread at any
 * time.
 */
final class BufferedFile {

    static final int INITIAL_BUFFER = 1024;
    static final int MAX_BUFFER = 256 * 1024;
    /** Attempts at an operation whose channel was closed under it (by another thread's interrupt). */
    static final int CLOSED_CHANNEL_ATTEMPTS = 5;
    /** Name suffix of the temporary file of {@link #replaceWith}; a leftover one is removed at recovery. */

    private final OpenFiles files;
    private final Path path;
    private volatile OpenFiles.Handle cached;
    private volatile long flushed;
    private ByteBuffer buffer;
    private int buffered;
    /** Changes made to the file (writes, truncations); each bumps it, under the partition lock, after the change is made. */
    private volatile long written;
    /** The {@link #written} count the last successful fsync covered. */
    private volatile long synced;
    /** The fsync failure that ended this file's usefulness, once there was one. */
    private volatile UnrecoverableWriteException syncFailure;
    /** Deleted (by a truncation or a rollback): there is nothing left to make durable. */
    private volatile boolean deleted;
    private final ReentrantLock syncLock = new ReentrantLock();

    BufferedFile(OpenFiles files, Path path, long sizeOnDisk) {
        this.files = files;
        this.path = path;
        this.flushed = sizeOnDisk;
    }

    /**
     * An existing file, opened now through {@code files}: its size comes from the open descriptor
     * ({@code fstat}), not from a {@code stat} of its path, and the descriptor stays cached for the
     * reads that follow (a cold partition's active segment is read right after it is found).
     *
     * @throws java.nio.file.NoSuchFileException when the file does not exist
     */
    static BufferedFile opened(OpenFiles files, Path path) throws IOException {
        OpenFiles.Handle handle = files.acquire(path);
        long size;
        try (handle) {
            size = handle.channel().size();
        }
        BufferedFile file = new BufferedFile(files, path, size);
        file.cached = handle;
        return file;
    }

    Path path() {
        return path;
    }

    /** Logical size: flushed plus buffered bytes. */
    long size() {
        return flushed + buffered;
    }

    /** Bytes in the file (visible to {@link #read}). */
    long flushedSize() {
        return flushed;
    }

    /** Whether {@code length} more bytes fit the buffer without passing its limit (an empty buffer takes anything). */
    boolean fits(int length) {
        return buffered == 0 || buffered + length <= MAX_BUFFER;
    }

    /**
     * The buffer, with room for {@code length} bytes at {@link #bufferedLength()}; follow with
     * {@link #commit}. A heap buffer: a direct one measured no faster, and idle partitions would
     * hold native memory until a GC.
     */
    ByteBuffer reserve(int length) {
        int needed = buffered + length;
        if (buffer == null || buffer.capacity() < needed) {
            int capacity = Math.max(needed, buffer == null ? INITIAL_BUFFER : Math.min(buffer.capacity() * 2, MAX_BUFFER));
            ByteBuffer grown = ByteBuffer.allocate(capacity);
            if (buffer != null) {
                grown.put(0, buffer, 0, buffered);
            }
            buffer = grown;
        }
        return buffer;
    }

    int bufferedLength() {
        return buffered;
    }

    void commit(int length) {
        buffered += length;
    }

    /**
     * Writes the buffer to the file. On failure the file is truncated back to its size before the
     * flush and the buffer is kept.
     *
     * @throws UnrecoverableWriteException when even the truncation failed: the file's tail is unknown
     */
    void flush() throws IOException {
        if (buffered == 0) {
            return;
        }
        writeUndoably(flushed, buffer.duplicate().limit(buffered).position(0), ByteBuffer.allocate(0));
        flushed += buffered;
        buffered = 0;
        written++;
        if (buffer.capacity() > MAX_BUFFER) { // grown for one larger record: a busy partition would keep it, a roll hand it on
            buffer = null;
        }
    }

    /**
     * Writes {@code src} at {@code position}, where the file held {@code replaced} (its bytes below
     * {@link #flushed}); a write that fails puts those bytes back and cuts the file to {@link #flushed},
     * so a short write (half the bytes, then ENOSPC or EIO) leaves nothing of itself behind.
     *
     * @throws UnrecoverableWriteException when that undo failed too: the file's content is unknown
     */
    private void writeUndoably(long position, ByteBuffer src, ByteBuffer replaced) throws IOException {
        try {
            writeAt(position, src);
        } catch (FileNotOpenedException e) {
            throw e; // nothing was written
        } catch (IOException e) {
            try {
                writeAt(position, replaced);
                withChannel(channel -> channel.size() > flushed ? channel.truncate(flushed) : channel);
            } catch (IOException undo) {
                e.addSuppressed(undo);
                throw UnrecoverableWriteException.undoFailed(path, e);
            }
            throw e;
        }
    }

    /** Writes all of {@code src} at {@code position} (from its current position; a retry starts over). */
    private void writeAt(long position, ByteBuffer src) throws IOException {
        int start = src.position();
        withChannel(channel -> {
            src.position(start);
            long at = position;
            while (src.hasRemaining()) {
                at += channel.write(src, at);
            }
            return null;
        });
    }

    /** Drops the buffer's memory when it holds nothing (an idle file keeps no buffer). */
    void releaseBuffer() {
        if (buffered == 0) {
            buffer = null;
        }
    }

    /**
     * Takes over {@code previous}'s buffer when it holds nothing and this file has none (a roll: the
     * next segment writes on in the full one's memory instead of allocating and growing its own).
     */
    void takeBuffer(BufferedFile previous) {
        if (previous.buffered == 0 && buffer == null) {
            buffer = previous.buffer;
            previous.buffer = null;
        }
    }

    /** Whether the file holds a write buffer (tests: an idle file keeps none). */
    boolean holdsBuffer() {
        return buffer != null;
    }

    /** Shrinks the logical size to {@code size}, dropping buffered bytes and truncating the file as needed. */
    void truncate(long size) throws IOException {
        if (size >= flushed) {
            buffered = (int) Math.min(buffered, size - flushed);
            return;
        }
        buffered = 0;
        withChannel(channel -> channel.truncate(size));
        flushed = size;
        written++;
    }

    /** The file was found after a crash: its bytes may be only in the page cache, so the next {@link #force()} fsyncs. */
    void adoptedUnsynced() {
        written++;
    }

    /**
     * fsync of the file's data (fdatasync), unless an fsync that started after the last change
     * already succeeded. Concurrent callers share one fsync: the second waits for the first and then
     * fsyncs again only if the first did not cover its changes.
     *
     * @throws UnrecoverableWriteException when this or an earlier fsync of the file failed
     * @throws FileNotOpenedException      when no descriptor could be had for the fsync (it did not run)
     */
    void force() throws IOException {
        if (synced == written && syncFailure == null) {
            return;
        }
        syncLock.lock();
        try {
            if (syncFailure != null) {
                throw syncFailure;
            }
            if (deleted) {
                return; // a truncation or rollback removed it while this fsync was on its way
            }
            long covered = written; // every change counted so far is complete: the fsync below covers it
            if (synced >= covered) {
                return;
            }
            try {
                if (!files.force(path, () -> deleted)) {
                    return; // deleted by the time it had a descriptor, maybe one of the file now at the name: nothing synced
                }
            } catch (FileNotOpenedException e) {
                if (deleted) {
                    return;
                }
                throw e; // the fsync never ran: nothing failed, it may be tried again
            } catch (IOException e) {
                if (deleted) {
                    return; // deleted meanwhile, the fsync of its own descriptor failed: nothing is left to make durable
                }
                syncFailure = UnrecoverableWriteException.fsyncFailed(path, e);
                throw syncFailure;
            }
            synced = covered;
        } finally {
            syncLock.unlock();
        }
    }

    /** Reads {@code dst.remaining()} bytes from {@code position} of the flushed part. */
    void read(long position, ByteBuffer dst) throws IOException {
        int start = dst.position();
        withChannel(channel -> {
            dst.position(start);
            long at = position;
            while (dst.hasRemaining()) {
                int n = channel.read(dst, at);
                if (n < 0) {
                    throw new EOFException(path + " ends at " + at + ", before " + (at + dst.remaining()));
                }
                at += n;
            }
            return null;
        });
    }

    /**
     * Overwrites bytes in place, extending the file if they pass its end (repairs, such as a damaged
     * header, and a truncation ending a batch in a kept frame). A failed overwrite puts back the bytes
     * it replaced: a write cut short must not damage the record it was to rewrite, which may be
     * acknowledged.
     *
     * @throws UnrecoverableWriteException when even putting them back failed
     */
    void overwrite(long position, ByteBuffer src) throws IOException {
        long end = position + src.remaining();
        ByteBuffer replaced = ByteBuffer.allocate((int) Math.max(0, Math.min(end, flushed) - position));
        if (replaced.hasRemaining()) {
            read(position, replaced);
            replaced.flip();
        }
        writeUndoably(position, src, replaced);
        flushed = Math.max(flushed, end);
        written++;
    }

    /** Whether the file exists on disk. */
    boolean exists() {
        return files.disk().exists(path);
    }

    /**
     * Deletes the file and closes its descriptors (the caller forces the directory when the deletion
     * must be durable). Deleted first, closed after: a descriptor a reader opened meanwhile is closed
     * too, so none of the deleted file stays cached to be handed to a later file of the same name. From
     * now on this object neither reads nor writes. An fsync that found the file not deleted yet and
     * then cannot open it (the flusher's, of a sealed segment a truncation removes) has nothing left to
     * make durable and succeeds ({@link #force()}); one that finds it deleted once it has a descriptor
     * syncs nothing, since that descriptor may be of the file created at the name since
     * ({@link OpenFiles#force(Path, java.util.function.BooleanSupplier)}).
     */
    void delete() throws IOException {
        deleted = true;
        buffered = 0;
        try {
            files.disk().deleteIfExists(path);
        } finally {
            forget();
            flushed = 0;
        }
    }

    /**
     * Replaces the file's whole content with {@code content}, atomically ({@link FileReplacement}).
     * The cached descriptor is closed after the rename, so one a reader opened before it is closed too.
     */
    void replaceWith(byte[] content) throws IOException {
        try {
            FileReplacement.replace(files.disk(), path, content);
        } finally {
            forget();
        }
        buffered = 0;
        flushed = content.length;
        synced = written; // the new content was forced before it took the old one's place
    }

    /**
     * Lets the open-files LRU close this file's descriptor first, unless it is used again before
     * ({@link OpenFiles.Handle#demote}): its user expects no use of it soon.
     */
    void demote() {
        OpenFiles.Handle handle = cached;
        if (handle != null) {
            handle.demote();
        }
    }

    /** Closes this file's channel now (before deleting the file). */
    void forget() {
        cached = null;
        files.forget(path);
    }

    /** One I/O operation on the file's channel; every operation here is positional, so repeating it is harmless. */
    @FunctionalInterface
    private interface ChannelOperation<T> {
        T apply(FileChannel channel) throws IOException;
    }

    /**
     * Runs {@code operation} on an open channel. A {@link FileChannel} is closed for all its users when
     * a thread using it is interrupted (a cancelled request, a pool shut down): the operation is then
     * retried on a freshly opened channel with the interrupt held back, and the interrupt is restored
     * afterwards, so one interrupted caller never fails the partition or other callers.
     *
     * @throws FileNotOpenedException when the file cannot be opened for the first attempt (nothing happened)
     */
    private <T> T withChannel(ChannelOperation<T> operation) throws IOException {
        if (deleted) { // a stale reference (a reader's snapshot): the name may be another file's now
            throw new FileNotOpenedException(path, new NoSuchFileException(path.toString(), null, "deleted"));
        }
        boolean interrupted = false;
        try {
            for (int attempt = 1; ; attempt++) {
                OpenFiles.Handle opened;
                try {
                    opened = handle();
                } catch (IOException e) {
                    throw attempt == 1 ? new FileNotOpenedException(path, e) : e;
                }
                try (OpenFiles.Handle handle = opened) {
                    return operation.apply(handle.channel());
                } catch (ClosedChannelException e) {
                    interrupted |= Thread.interrupted();
                    if (attempt == CLOSED_CHANNEL_ATTEMPTS) {
                        throw e;
                    }
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private OpenFiles.Handle handle() throws IOException {
        OpenFiles.Handle handle = cached;
        if (handle != null && handle.tryRetain()) {
            files.hit();
            return handle;
        }
        handle = files.acquire(path);
        cached = handle;
        return handle;
    }
}
