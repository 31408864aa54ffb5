package storelog.store.file;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import storelog.api.OffsetOutOfRangeException;
import storelog.api.PartitionKey;
import storelog.api.Record;
import storelog.api.StorageFailedException;

/**
 * Reads of one partition: find the segment by binary search over a snapshot of the segment list,
 * make sure the bytes are in the file (the only time a reader takes the partition lock, under
 * {@code FSYNC=interval|never}), then read through the segment. Readers see offsets below the
 * partition's visible end only. Thread-safe; any number of readers run at once, beside the appender.
 */
final class PartitionReader {

    /** What a reader needs of its partition ({@link PartitionLog} implements it). */
    interface Source {
        PartitionKey key();

        /** Offsets below this are visible to readers. */
        long visibleEnd();

        /** The segments, a snapshot. */
        Segment[] segments();

        /** Writes buffered bytes so {@code offset} of {@code segment} can be read from the file. */
        void flushForRead(Segment segment, long offset);

        /** Counts truncations: odd while one runs, so a read that saw it change (or odd) read nothing it can trust. */
        long truncations();

        /** Returns once the truncation running now (if any) is done. */
        void awaitTruncation();
    }

    /** One attempt at a read. */
    @FunctionalInterface
    private interface Attempt<T> {
        T run() throws IOException;
    }

    private final Source log;

    PartitionReader(Source log) {
        this.log = log;
    }

    Record read(long offset) {
        return consistent(offset, () -> readable(offset, offset).read(offset));
    }

    List<Record> read(long from, int max, long maxBytes) {
        return consistent(from, () -> {
            long visible = log.visibleEnd();
            if (from < 0 || from > visible) {
                throw new OffsetOutOfRangeException(log.key(), from, visible);
            }
            long end = Math.min(visible, from + max);
            List<Record> out = new ArrayList<>();
            long bytes = 0;
            long at = from;
            while (at < end && bytes < maxBytes) {
                Segment segment = readable(at, end - 1);
                long last = Math.min(end, segment.end());
                bytes += segment.read(at, (int) (last - at), out.isEmpty() ? maxBytes : maxBytes - bytes, out);
                at = from + out.size();
            }
            return out;
        });
    }

    /**
     * Runs a read so that no truncation overlaps it (a seqlock): a read that a truncation overlapped
     * may have seen files being cut or records past the new end, so it is repeated once the
     * truncation is done. Truncations are rare (a follower's divergence); reads never wait otherwise.
     */
    private <T> T consistent(long offset, Attempt<T> attempt) {
        while (true) {
            long before = log.truncations();
            if ((before & 1) != 0) {
                log.awaitTruncation();
                continue;
            }
            T result;
            try {
                result = attempt.run();
            } catch (IOException | RuntimeException e) {
                if (log.truncations() != before) {
                    continue;
                }
                throw e instanceof IOException io ? failed(log.key(), offset, io) : (RuntimeException) e;
            }
            if (log.truncations() == before) {
                return result;
            }
        }
    }

    /** The segment holding {@code offset}, flushed at least up to {@code upTo} (or its own end). */
    private Segment readable(long offset, long upTo) {
        long visible = log.visibleEnd();
        if (offset < 0 || offset >= visible) {
            throw new OffsetOutOfRangeException(log.key(), offset, visible);
        }
        Segment[] all = log.segments();
        int lo = 0;
        int hi = all.length - 1;
        while (lo < hi) {
            int mid = (lo + hi + 1) >>> 1;
            if (all[mid].base() <= offset) {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        Segment segment = all[lo];
        long needed = Math.min(upTo, segment.end() - 1);
        if (!segment.isFlushed(needed)) {
            log.flushForRead(segment, needed);
        }
        return segment;
    }

    static StorageFailedException failed(PartitionKey key, long offset, IOException e) {
        return new StorageFailedException("reading record " + offset + " of partition " + key + " failed: " + e, e);
    }
}
