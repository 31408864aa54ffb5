package storelog.core;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32C;
import storelog.api.DataType;
import storelog.api.InvalidPartitionKeyException;
import storelog.api.InvalidRecordException;
import storelog.api.NewRecord;
import storelog.api.PartitionKey;
import storelog.api.Record;

/**
 * The binary body of a leader's {@code /replicate} push ({@value #MEDIA_TYPE}): the JSON body's fields,
 * exactly, without base64 and field names, so that neither side spends its push CPU on JSON. All
 * numbers big-endian:
 * <pre>
 *   offset  size  field
 *   0       1     version (1)
 *   1       2     partition key length k (1..255)
 *   3       k     partition key, UTF-8
 *   3+k     8     offset              (first record's)
 *   11+k    8     epoch               (the sending leader's)
 *   19+k    8     record_epoch
 *   27+k    8     prev_epoch          (-1: not checked)
 *   35+k    8     leader_next_offset  (-1: unknown)
 *   43+k    8     leader_committed_offset (-1: unknown)
 *   51+k    8     epoch_start         (-1: not given)
 *   59+k    4     record count n (0..{@link LogService#MAX_BATCH_RECORDS})
 *   63+k    ...   n records: data_type (1), timestamp (8), payload length p (4), payload (p)
 *   end-4   4     CRC-32C of every byte before it
 * </pre>
 * The version comes first and is checked before anything else, so that a follower that does not know a
 * later version says {@code unsupported_version} and the leader falls back to JSON. Decoding checks the
 * whole body (CRC, counts against the length, lengths, no trailing bytes, key, types and payloads)
 * before it returns, so a malformed body is refused whole: nothing of it is ever stored. Thread-safe (stateless).
 */
public final class ReplicateFrame {

    /** The content type of a binary push. */
    public static final String MEDIA_TYPE = "application/vnd.storelog.replicate+binary";
    /** The version this node writes and reads. */
    static final byte VERSION = 1;
    static final int HEADER_LONGS = 7;
    /** Version, key length, the header numbers and the record count. */
    static final int FIXED_BYTES = 1 + 2 + HEADER_LONGS * Long.BYTES + Integer.BYTES;
    /** A record's bytes besides its payload: type, timestamp, payload length. */
    static final int RECORD_OVERHEAD = 1 + Long.BYTES + Integer.BYTES;
    static final int CRC_BYTES = Integer.BYTES;

    private ReplicateFrame() {
    }

    /** The binary body of {@code push}. */
    public static byte[] encode(ReplicaPush push) {
        byte[] key = push.partition().value().getBytes(StandardCharsets.UTF_8);
        int size = FIXED_BYTES + key.length + CRC_BYTES;
        for (Record r : push.records()) {
            size = Math.addExact(size, RECORD_OVERHEAD + r.payload().length);
        }
        byte[] body = new byte[size];
        ByteBuffer out = ByteBuffer.wrap(body);
        out.put(VERSION).putShort((short) key.length).put(key)
                .putLong(push.offset()).putLong(push.epoch()).putLong(push.recordEpoch()).putLong(push.prevEpoch())
                .putLong(push.leaderNext()).putLong(push.committed()).putLong(push.sentEpochStart())
                .putInt(push.records().size());
        for (Record r : push.records()) {
            out.put((byte) r.type().code()).putLong(r.timestamp()).putInt(r.payload().length).put(r.payload());
        }
        out.putInt((int) crc(body, size - CRC_BYTES));
        return body;
    }

    /**
     * The push in {@code body}, checked whole.
     *
     * @throws BadRequestException    {@code unsupported_version}, {@code truncated_body}, {@code bad_crc},
     *                                {@code too_many_records}, {@code count_mismatch}, {@code length_mismatch},
     *                                {@code trailing_bytes}
     * @throws InvalidPartitionKeyException for a key that is not one
     * @throws InvalidRecordException for an unknown type or a payload that does not fit its type
     */
    static WireFormat.ReplicaBatch decode(byte[] body) {
        if (body.length == 0) {
            throw new BadRequestException("truncated_body", "the binary replicate body is empty");
        }
        if (body[0] != VERSION) {
            throw new BadRequestException("unsupported_version", "binary replicate body version " + (body[0] & 0xff)
                    + " is not supported; this node reads version " + VERSION);
        }
        if (body.length < FIXED_BYTES + CRC_BYTES) {
            throw truncated(body.length, FIXED_BYTES + CRC_BYTES);
        }
        int end = body.length - CRC_BYTES;
        int expected = ByteBuffer.wrap(body, end, CRC_BYTES).getInt();
        int actual = (int) crc(body, end);
        if (expected != actual) {
            throw new BadRequestException("bad_crc", String.format("the binary replicate body's CRC-32C is %08x, "
                    + "its %d bytes give %08x", expected, end, actual));
        }
        ByteBuffer in = ByteBuffer.wrap(body, 1, end - 1);
        try {
            return read(in);
        } catch (BufferUnderflowException e) {
            throw truncated(body.length, -1);
        }
    }

    private static WireFormat.ReplicaBatch read(ByteBuffer in) {
        PartitionKey partition = partition(in);
        long offset = in.getLong();
        long epoch = in.getLong();
        long recordEpoch = in.getLong();
        long prevEpoch = in.getLong();
        long leaderNext = in.getLong();
        long committed = in.getLong();
        long epochStart = in.getLong();
        long count = Integer.toUnsignedLong(in.getInt());
        if (count > LogService.MAX_BATCH_RECORDS) {
            throw new BadRequestException("too_many_records", "a push holds at most " + LogService.MAX_BATCH_RECORDS
                    + " records, this one says " + count);
        }
        if (count * RECORD_OVERHEAD > in.remaining()) {
            throw new BadRequestException("count_mismatch", "the body says " + count + " records, its " + in.remaining()
                    + " bytes after the header hold at most " + in.remaining() / RECORD_OVERHEAD);
        }
        List<NewRecord> records = new ArrayList<>((int) count);
        for (int i = 0; i < count; i++) {
            records.add(record(in, i));
        }
        if (in.hasRemaining()) {
            throw new BadRequestException("trailing_bytes", in.remaining() + " bytes follow the " + count
                    + " records of the binary replicate body");
        }
        return new WireFormat.ReplicaBatch(partition, offset, epoch, recordEpoch, prevEpoch, leaderNext, committed, epochStart,
                records);
    }

    private static PartitionKey partition(ByteBuffer in) {
        int length = Short.toUnsignedInt(in.getShort());
        if (length > PartitionKey.MAX_BYTES) {
            throw new InvalidPartitionKeyException("partition key is " + length + " bytes; at most " + PartitionKey.MAX_BYTES);
        }
        if (length > in.remaining()) {
            throw new BadRequestException("length_mismatch", "the partition key is " + length + " bytes, "
                    + in.remaining() + " follow");
        }
        ByteBuffer key = in.slice(in.position(), length);
        in.position(in.position() + length);
        try {
            CharBuffer text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(key);
            return PartitionKey.of(text.toString());
        } catch (CharacterCodingException e) {
            throw new InvalidPartitionKeyException("partition key is not valid UTF-8");
        }
    }

    private static NewRecord record(ByteBuffer in, int i) {
        int code = Byte.toUnsignedInt(in.get());
        long timestamp = in.getLong();
        long length = Integer.toUnsignedLong(in.getInt());
        if (length > in.remaining()) {
            throw new BadRequestException("length_mismatch", "record " + i + " says " + length + " payload bytes, "
                    + in.remaining() + " follow");
        }
        int from = in.arrayOffset() + in.position();
        byte[] payload = Arrays.copyOfRange(in.array(), from, from + (int) length);
        in.position(in.position() + (int) length);
        try {
            return new NewRecord(DataType.fromCode(code), payload, timestamp);
        } catch (InvalidRecordException e) {
            throw new InvalidRecordException("record " + i + ": " + e.getMessage());
        }
    }

    private static BadRequestException truncated(int length, int least) {
        return new BadRequestException("truncated_body", "the binary replicate body ends early (" + length + " bytes"
                + (least > 0 ? "; at least " + least + " are needed)" : ")"));
    }

    private static long crc(byte[] bytes, int length) {
        CRC32C crc = new CRC32C();
        crc.update(bytes, 0, length);
        return crc.getValue();
    }
}
