package storelog.gostorelog;

import java.nio.file.Path;
import java.util.Objects;
import storelog.api.DataType;

/**
 * One record as GoStoreLog stored it. The payload is returned as read, not checked against its type
 * (that is {@link storelog.api.NewRecord}'s job) and not copied: do not modify it.
 *
 * @param offset   its offset in the partition
 * @param type     its data type (the frame's data_type byte)
 * @param payload  its bytes
 * @param store    the segment store file it was read from
 * @param position the byte position of its frame in {@code store}
 */
public record GoRecord(long offset, DataType type, byte[] payload, Path store, long position) {

    public GoRecord {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(payload, "payload");
        Objects.requireNonNull(store, "store");
    }

    /** The frame's size in the store file: 4 length bytes, the type byte and the payload. */
    public long frameSize() {
        return GoRecordCursor.FRAME_HEADER + payload.length;
    }

    @Override
    public String toString() {
        return "GoRecord[offset " + offset + ", " + type + ", " + payload.length + " bytes, " + store + " @" + position + "]";
    }
}
