package storelog.gostorelog;

import java.nio.file.Path;
import java.util.Objects;

/**
 * One GoStoreLog segment: {@code segment_<base>.store} and {@code segment_<base>.index}.
 *
 * @param base       the offset of its first record, from the file names
 * @param store      the store file (frames)
 * @param index      the index file (16-byte entries)
 * @param storeSize  the store file's size in bytes when the partition was listed
 * @param indexSize  the index file's size in bytes when the partition was listed
 */
public record GoSegment(long base, Path store, Path index, long storeSize, long indexSize) {

    /** Size of one index entry: u64 offset, u64 position. */
    public static final int INDEX_ENTRY_SIZE = 16;

    public GoSegment {
        Objects.requireNonNull(store, "store");
        Objects.requireNonNull(index, "index");
    }

    /** How many complete entries its index holds (its record count, if the segment is intact). */
    public long entries() {
        return indexSize / INDEX_ENTRY_SIZE;
    }
}
