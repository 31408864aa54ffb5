package storelog.store.file;

import java.io.EOFException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;
import storelog.api.CorruptRecordException;
import storelog.api.NewRecord;
import storelog.api.PartitionKey;
import storelog.api.Record;

/**
 * One segment: a {@code .store} file of {@link Frame}s and its {@code .index} of {@link IndexEntry}s,
 * holding the records {@code base, base+1, ... base+count-1}.
 *
 * <p>A read of a small segment (at most {@link StoreWalk#WALK_BOUND} flushed store bytes) finds its frames by
 * walking the store from its header, without the index: a partition that is only read then costs
 * one descriptor of the open-files LRU, not two, so twice as many cold partitions fit it. The walk
 * answers only when every frame from the header to the record is intact; anything else (damage,
 * a record recovery kept in place, the store ending early) goes the index's way, which is
 * authoritative for damage.
 *
 * <p>Threading: {@link #append} and {@link #flush} run under the partition's lock (only the last,
 * active segment is appended to). Reads run concurrently from any thread, within the flushed part.
 */
final class Segment {

    /** Attempts at writing index entries before an append fails (GoStoreLog retried 3 times). */
    static final int INDEX_WRITE_ATTEMPTS = 3;

    private final PartitionKey partition;
    private final long base;
    private final BufferedFile store;
    private final BufferedFile index;
    /** Records in the segment; written under the partition lock with release semantics, read by any thread. */
    private long count;
    private static final VarHandle COUNT = varHandle("count");
    private final ReentrantLock indexRepair = new ReentrantLock();
    private volatile boolean sealed;
    private volatile boolean indexChecked;
    private volatile boolean indexRebuilt;

    /**
     * @param sealed whether the segment is closed (full or followed by another); a closed segment's
     *               index is checked on first use and rebuilt from the store when damaged
     */
    Segment(PartitionKey partition, long base, BufferedFile store, BufferedFile index, long count, boolean sealed) {
        this.partition = partition;
        this.base = base;
        this.store = store;
        this.index = index;
        COUNT.setRelease(this, count);
        this.sealed = sealed;
        this.indexChecked = !sealed;
    }

    long base() {
        return base;
    }

    long count() {
        return (long) COUNT.getAcquire(this);
    }

    /** The offset after the segment's last record. */
    long end() {
        return base + count();
    }

    BufferedFile store() {
        return store;
    }

    BufferedFile index() {
        return index;
    }

    /** Sets the record count after recovery or rollback (partition lock held). */
    void resetCount(long records) {
        COUNT.setRelease(this, records);
    }

    /**
     * Whether frames of {@code length} bytes in all (a whole batch) may go into this segment without
     * passing {@code maxFileSize}. An empty segment takes any batch: a segment holds whole batches.
     */
    boolean hasRoomFor(long length, long maxFileSize) {
        return count == 0 || store.size() + length <= maxFileSize;
    }

    /**
     * Appends one record's frame and index entry to the buffers, flushing first when they are full.
     *
     * @param more whether more records of the same batch follow ({@link Frame#MORE})
     */
    void append(long offset, NewRecord record, boolean more) throws IOException {
        int length = Frame.length(record.payload().length);
        if (!store.fits(length) || !index.fits(IndexEntry.SIZE)) {
            flush();
        }
        long position = store.size();
        Frame.encode(store.reserve(length), store.bufferedLength(), offset, record.type(), record.timestamp(), record.payload(),
                more);
        store.commit(length);
        IndexEntry.encode(index.reserve(IndexEntry.SIZE), index.bufferedLength(), count, position, length);
        index.commit(IndexEntry.SIZE);
        COUNT.setRelease(this, count + 1); // a release store: no full fence per record
    }

    /** Hands buffered frames, then their index entries, to the OS. */
    void flush() throws IOException {
        store.flush();
        for (int attempt = 1; ; attempt++) {
            try {
                index.flush();
                return;
            } catch (UnrecoverableWriteException e) {
                throw e;
            } catch (IOException e) {
                if (attempt == INDEX_WRITE_ATTEMPTS) {
                    throw e;
                }
            }
        }
    }

    /** Whether record {@code offset} is in the files (not only in the write buffers). */
    boolean isFlushed(long offset) {
        return index.flushedSize() >= IndexEntry.positionOf(offset - base + 1);
    }

    /** Reads one record; the caller checked that it exists and is flushed. */
    Record read(long offset) throws IOException {
        Record walked = walked(offset);
        if (walked != null) {
            return walked;
        }
        IndexEntry entry = entry(offset);
        if (entry.length() < Frame.HEADER_SIZE) { // a placeholder: recovery found the record's bytes damaged
            throw new CorruptRecordException("record " + offset + " of partition " + partition
                    + " lies in damaged bytes of the store (run verify)", store.path(), entry.position());
        }
        ByteBuffer frame = ByteBuffer.allocate(entry.length());
        readFrames(entry.position(), frame, offset);
        return decode(frame, 0, entry.length(), offset, entry.position());
    }

    /**
     * Reads up to {@code max} records from {@code from} into {@code out}, stopping once their frames
     * pass {@code byteBudget} (at least one is read). Returns the frame bytes read.
     */
    long read(long from, int max, long byteBudget, List<Record> out) throws IOException {
        int n = (int) Math.min(max, end() - from);
        long walked = walked(from, n, byteBudget, out);
        if (walked >= 0) {
            return walked;
        }
        ByteBuffer entries = ByteBuffer.allocate(n * IndexEntry.SIZE);
        readIndex(from, entries);
        IndexEntry first = null;
        IndexEntry last = null;
        int[] lengths = new int[n];
        int take = 0;
        for (int k = 0; k < n; k++) {
            IndexEntry e = IndexEntry.decode(entries, k * IndexEntry.SIZE, from + k - base);
            boolean contiguous = e != null && e.length() >= Frame.HEADER_SIZE && (last == null || e.position() == last.end());
            if (!contiguous || (take > 0 && e.end() - first.position() > byteBudget)) {
                break;
            }
            first = first == null ? e : first;
            last = e;
            lengths[take++] = e.length();
        }
        if (take == 0) { // a damaged entry or record: let the single-record path fail or rebuild precisely
            out.add(read(from));
            return 1;
        }
        ByteBuffer frames = ByteBuffer.allocate((int) (last.end() - first.position()));
        readFrames(first.position(), frames, from);
        int at = 0;
        for (int k = 0; k < take; k++) { // lengths from the index: a damaged length field must not misplace the rest
            out.add(decode(frames, at, lengths[k], from + k, first.position() + at));
            at += lengths[k];
        }
        return frames.capacity();
    }

    /** Record {@code offset} found by walking a small store, or null when the index path must answer. */
    private Record walked(long offset) throws IOException {
        ByteBuffer small = StoreWalk.smallStore(store);
        int at = small == null ? -1 : StoreWalk.frameOf(small, base, offset);
        return at < 0 ? null : record(small, at, Frame.lengthAt(small, at), offset);
    }

    /**
     * The range read of a small store by walking it: the intact frames from {@code from}, at most
     * {@code n}, within {@code byteBudget} (at least one), and the frame bytes read; -1 (nothing read)
     * when the index path must answer. A damaged frame ends it; the next read from there goes the
     * index's way.
     */
    private long walked(long from, int n, long byteBudget, List<Record> out) throws IOException {
        ByteBuffer bytes = StoreWalk.smallStore(store);
        int start = bytes == null ? -1 : StoreWalk.frameOf(bytes, base, from);
        if (start < 0) {
            return -1;
        }
        int at = start;
        for (int k = 0; k < n; k++) {
            int next = k == 0 ? at + Frame.lengthAt(bytes, at) : StoreWalk.frameEnd(bytes, at, from + k);
            if (next < 0 || (k > 0 && next - start > byteBudget)) {
                break;
            }
            out.add(record(bytes, at, next - at, from + k));
            at = next;
        }
        return at - start;
    }

    private Record decode(ByteBuffer frames, int at, int length, long offset, long position) {
        String problem = Frame.problem(frames, at, length, offset);
        if (problem != null) {
            throw new CorruptRecordException("record " + offset + " of partition " + partition
                    + " is damaged: " + problem, store.path(), position);
        }
        return record(frames, at, length, offset);
    }

    /** The record of the intact frame at {@code frames[at]}. */
    private Record record(ByteBuffer frames, int at, int length, long offset) {
        return new Record(partition, offset, Frame.type(frames, at), Frame.payload(frames, at, length),
                Frame.timestamp(frames, at));
    }

    private void readFrames(long position, ByteBuffer dst, long offset) throws IOException {
        try {
            store.read(position, dst);
        } catch (EOFException e) {
            throw new CorruptRecordException("record " + offset + " of partition " + partition
                    + " is missing: the store file ends early", store.path(), position);
        }
        dst.flip();
    }

    /** The index entry of record {@code offset} (rebuilding a closed segment's damaged index once). */
    IndexEntry entry(long offset) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(IndexEntry.SIZE);
        readIndex(offset, buf);
        IndexEntry entry = IndexEntry.decode(buf, 0, offset - base);
        if (entry == null && sealed && rebuildIndexOnce()) {
            buf.clear();
            readIndex(offset, buf);
            entry = IndexEntry.decode(buf, 0, offset - base);
        }
        if (entry == null) {
            throw new CorruptRecordException("the index entry of record " + offset + " of partition " + partition
                    + " is damaged and the store holds no intact frame for it", index.path(), IndexEntry.positionOf(offset - base));
        }
        return entry;
    }

    private void readIndex(long from, ByteBuffer dst) throws IOException {
        ensureIndexUsable();
        try {
            index.read(IndexEntry.positionOf(from - base), dst);
        } catch (EOFException e) {
            throw new CorruptRecordException("the index of partition " + partition + " ends before record " + from,
                    index.path(), IndexEntry.positionOf(from - base));
        }
        dst.flip();
    }

    /**
     * Tells the open-files LRU that recovery is done with the index of a segment that reads walk
     * ({@link StoreWalk#WALK_BOUND}): its descriptor is the first to close, before any store's, so a partition
     * that is only read keeps one descriptor open. An append opens it again when it is gone.
     */
    void recovered() {
        if (store.flushedSize() <= StoreWalk.WALK_BOUND) {
            index.demote();
        }
    }

    /** Checks a closed segment's index now (rebuilding it if damaged), before it is made active again. */
    void checkIndex() throws IOException {
        ensureIndexUsable();
    }

    /**
     * A closed segment's index is checked on first use (header, length) and rebuilt from the store
     * when it is missing, short, long or foreign: the index is derived data.
     */
    private void ensureIndexUsable() throws IOException {
        if (indexChecked) {
            return;
        }
        indexRepair.lock();
        try {
            if (!indexChecked && sealed) { // unsealed meanwhile: appends own the index now
                String problem = SegmentIndex.problem(index, base, count());
                if (problem != null) {
                    SegmentIndex.rebuild(store, index, base, count(), problem);
                    indexRebuilt = true;
                }
                indexChecked = true;
            }
        } finally {
            indexRepair.unlock();
        }
    }

    /**
     * Rebuilds a closed segment's index after a damaged entry, once; returns whether it was rebuilt
     * (now or by another reader meanwhile, whose reads of the old index may have failed), so reading
     * the entry again is worth it.
     */
    private boolean rebuildIndexOnce() throws IOException {
        indexRepair.lock();
        try {
            if (indexRebuilt) {
                return true;
            }
            if (!sealed) { // unsealed meanwhile: appends own the index now
                return false;
            }
            SegmentIndex.rebuild(store, index, base, count(), "an entry failed its checksum");
            indexRebuilt = true;
            return true;
        } finally {
            indexRepair.unlock();
        }
    }

    /** fsync of the store, then the index (each only if written since its last fsync). */
    void force() throws IOException {
        store.force();
        index.force();
    }

    /** Forces both files even when nothing was written through them: found after a crash, they may hold unsynced bytes. */
    void forceAdopted() throws IOException {
        store.adoptedUnsynced();
        index.adoptedUnsynced();
        force();
    }

    /**
     * The active segment's {@link #forceAdopted()}: its store now, its index when the segment is next
     * forced whole (its roll, the clean close). The index is derived data, which the group commit does
     * not force either: until then a power cut can only take index entries, and the crash recovery
     * that follows it scans the active segment and writes them again from the store.
     */
    void forceAdoptedActive() throws IOException {
        store.adoptedUnsynced();
        index.adoptedUnsynced();
        store.force();
    }

    /** Drops the write buffers' memory when they hold nothing (an idle segment keeps no buffers). */
    void releaseBuffers() {
        store.releaseBuffer();
        index.releaseBuffer();
    }

    /**
     * Closes the segment for appends (after a roll; flushed): it is read-only from now, and its empty
     * buffers go to {@code next}, the segment that follows it, so a roll allocates none.
     */
    void seal(Segment next) {
        sealed = true;
        next.store.takeBuffer(store);
        next.index.takeBuffer(index);
        releaseBuffers();
    }

    /** Whether the segment holds write buffers (tests). */
    boolean holdsBuffers() {
        return store.holdsBuffer() || index.holdsBuffer();
    }

    /**
     * Opens a closed segment for appends again (a rollback or truncation removed the segments after
     * it). Call it before changing the segment's files: it waits for a reader's index rebuild in
     * progress, and none starts after it — a rebuild's rename would replace an index that the
     * truncation cut or appends grew since. (A truncation checks the index first, {@link #checkIndex}:
     * appends extend it in place.)
     */
    void unseal() {
        indexRepair.lock();
        try {
            sealed = false;
            indexChecked = true;
        } finally {
            indexRepair.unlock();
        }
    }

    /** The partition directory the segment's files are in. */
    Path directory() {
        return store.path().getParent();
    }

    /** Deletes the segment's files (the caller forces the directory). */
    void deleteFiles() throws IOException {
        store.delete();
        index.delete();
    }

    @Override
    public String toString() {
        return store.path().toString();
    }

    private static VarHandle varHandle(String field) {
        try {
            return MethodHandles.lookup().findVarHandle(Segment.class, field, long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }
}
