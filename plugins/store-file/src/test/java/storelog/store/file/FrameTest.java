package storelog.store.file;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import storelog.api.DataType;

/** The frame format: the batch flag ({@link Frame#MORE}) in the data-type byte, and frames written before it. */
class FrameTest {

    private static final byte[] PAYLOAD = "{\"id\":1}".getBytes(StandardCharsets.UTF_8);
    private static final long TIMESTAMP = 1_764_230_400_000L;

    private static ByteBuffer encoded(long offset, DataType type, boolean more) {
        ByteBuffer frame = ByteBuffer.allocate(Frame.length(PAYLOAD.length));
        Frame.encode(frame, 0, offset, type, TIMESTAMP, PAYLOAD, more);
        return frame;
    }

    /** A frame as the engine wrote it before the batch flag existed, byte by byte from the documented layout. */
    private static ByteBuffer writtenBeforeTheFlag(long offset, DataType type) {
        return raw(offset, type.code());
    }

    /** A frame with a valid checksum over any data-type byte. */
    private static ByteBuffer raw(long offset, int typeByte) {
        int length = Frame.length(PAYLOAD.length);
        ByteBuffer frame = ByteBuffer.allocate(length).putInt(length).putInt(0).putLong(offset).put((byte) typeByte)
                .putLong(TIMESTAMP).put(PAYLOAD);
        CRC32C crc = new CRC32C();
        crc.update(frame.array(), 0, 4);
        crc.update(frame.array(), 8, length - 8);
        return frame.putInt(4, (int) crc.getValue());
    }

    @ParameterizedTest
    @EnumSource(DataType.class)
    void theLastRecordOfABatchIsWrittenExactlyAsFramesWereBeforeTheFlag(DataType type) {
        assertThat(encoded(7, type, false).array()).isEqualTo(writtenBeforeTheFlag(7, type).array());
    }

    @ParameterizedTest
    @EnumSource(DataType.class)
    void aFrameWrittenBeforeTheFlagReadsAsBeforeAndEndsItsBatch(DataType type) {
        ByteBuffer old = writtenBeforeTheFlag(7, type);
        assertThat(Frame.problem(old, 0, old.capacity(), 7)).isNull();
        assertThat(Frame.type(old, 0)).isEqualTo(type);
        assertThat(Frame.more(old, 0)).isFalse();
        assertThat(Frame.payload(old, 0, old.capacity())).isEqualTo(PAYLOAD);
    }

    @ParameterizedTest
    @EnumSource(DataType.class)
    void aFrameWithMoreToFollowIsIntactAndReadersGetItsTypeWithoutTheFlag(DataType type) {
        ByteBuffer frame = encoded(7, type, true);
        assertThat(frame.get(16) & 0xFF).isEqualTo(0x80 | type.code());
        assertThat(Frame.problem(frame, 0, frame.capacity(), 7)).isNull();
        assertThat(Frame.more(frame, 0)).isTrue();
        assertThat(Frame.type(frame, 0)).isEqualTo(type);
        assertThat(Frame.typeCode(frame, 0)).isEqualTo(type.code());
        assertThat(Frame.timestamp(frame, 0)).isEqualTo(TIMESTAMP);
        assertThat(Frame.payload(frame, 0, frame.capacity())).isEqualTo(PAYLOAD);
    }

    @Test
    void theChecksumCoversTheFlag() {
        ByteBuffer cleared = encoded(7, DataType.JSON, false);
        cleared.put(16, (byte) (cleared.get(16) | Frame.MORE));
        assertThat(Frame.problem(cleared, 0, cleared.capacity(), 7)).isEqualTo("CRC-32C mismatch");
        ByteBuffer set = encoded(7, DataType.JSON, true);
        set.put(16, (byte) (set.get(16) & ~Frame.MORE));
        assertThat(Frame.problem(set, 0, set.capacity(), 7)).isEqualTo("CRC-32C mismatch");
    }

    @Test
    void clearingTheFlagMakesTheFrameTheLastOfItsBatchAsIfWrittenSo() {
        ByteBuffer frame = encoded(7, DataType.STRING, true);
        Frame.clearMore(frame, 0, frame.capacity());
        assertThat(frame.array()).isEqualTo(encoded(7, DataType.STRING, false).array());
    }

    @Test
    void anUnknownTypeCodeIsAProblemWithOrWithoutTheFlag() {
        for (int typeByte : new int[] {3, 0x83, 0x7F, 0xFF}) {
            ByteBuffer frame = raw(7, typeByte);
            assertThat(Frame.problem(frame, 0, frame.capacity(), 7)).as("type byte %d", typeByte)
                    .isEqualTo("unknown data type " + (typeByte & 0x7F));
        }
    }
}
