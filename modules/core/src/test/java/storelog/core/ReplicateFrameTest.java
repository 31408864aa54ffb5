package storelog.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import storelog.api.DataType;
import storelog.api.InvalidPartitionKeyException;
import storelog.api.InvalidRecordException;
import storelog.api.NewRecord;
import storelog.api.PartitionKey;
import storelog.api.Record;
import storelog.api.StoreLogException;

/** The binary push body: it carries exactly what the JSON one does, and refuses every malformed shape whole. */
class ReplicateFrameTest {

    private final WireFormat wire = new WireFormat(WireFormat.DEFAULT_MAX_DEPTH);

    /** A random valid record: every type, empty payloads (where the type allows), sizes up to {@code maxBytes}. */
    static Record randomRecord(Random random, PartitionKey partition, long offset, int maxBytes) {
        DataType type = DataType.values()[random.nextInt(DataType.values().length)];
        int size = random.nextInt(8) == 0 ? 0 : random.nextInt(maxBytes + 1);
        byte[] payload = switch (type) {
            case BYTES -> {
                byte[] b = new byte[size];
                random.nextBytes(b);
                yield b;
            }
            case STRING -> randomText(random, size).getBytes(StandardCharsets.UTF_8);
            case JSON -> ("\"" + randomText(random, size).replace("\\", "\\\\").replace("\"", "\\\"") + "\"")
                    .getBytes(StandardCharsets.UTF_8);
        };
        long timestamp = random.nextBoolean() ? random.nextLong() : System.currentTimeMillis();
        return new Record(partition, offset, type, payload, timestamp);
    }

    /** Text of letters, digits, a 2-byte, a 3-byte and a 4-byte UTF-8 character. */
    private static String randomText(Random random, int chars) {
        String[] pieces = {"a", "Z", "7", " ", "é", "€", "\uD83D\uDE00"};
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < chars; i++) {
            text.append(pieces[random.nextInt(pieces.length)]);
        }
        return text.toString();
    }

    static ReplicaPush randomPush(Random random, int records, int maxBytes) {
        PartitionKey partition = PartitionKey.of(random.nextBoolean() ? "__gaps" : "p-" + randomText(random, random.nextInt(20) + 1));
        long offset = random.nextLong(0, Long.MAX_VALUE / 2);
        List<Record> list = new ArrayList<>();
        for (int i = 0; i < records; i++) {
            list.add(randomRecord(random, partition, offset + i, maxBytes));
        }
        return new ReplicaPush(partition, offset, random.nextLong(0, 1000), random.nextLong(0, 1000), random.nextLong(-1, 1000),
                random.nextLong(-1, Long.MAX_VALUE), random.nextLong(-1, Long.MAX_VALUE), random.nextLong(-1, 1000), list);
    }

    private static List<NewRecord> asNew(List<Record> records) {
        return records.stream().map(r -> new NewRecord(r.type(), r.payload(), r.timestamp())).toList();
    }

    @Test
    void randomPushesDecodeToWhatTheirJsonBodyDecodesTo() {
        for (long seed = 0; seed < 300; seed++) {
            Random random = new Random(seed);
            ReplicaPush push = randomPush(random, random.nextInt(40), random.nextInt(4) == 0 ? 4096 : 100);

            WireFormat.ReplicaBatch binary = wire.replicateFrame(ReplicateFrame.encode(push));
            WireFormat.ReplicaBatch json = (WireFormat.ReplicaBatch) wire.replicate(WireFormat.replicateJson(push));

            assertThat(binary).as("seed %d", seed).isEqualTo(json);
            assertThat(binary.records()).as("seed %d", seed).isEqualTo(asNew(push.records()));
            assertThat(binary.partition()).isEqualTo(push.partition());
            assertThat(binary.offset()).isEqualTo(push.offset());
            assertThat(binary.epochStart()).isEqualTo(push.epochStart() > 0 ? push.epochStart() : -1);
        }
    }

    @Test
    void theLargestKeyTheMostRecordsAndALargePayloadRoundTrip() {
        PartitionKey longest = PartitionKey.of("k".repeat(PartitionKey.MAX_BYTES));
        List<Record> records = new ArrayList<>(Collections.nCopies(LogService.MAX_BATCH_RECORDS - 1,
                new Record(longest, 0, DataType.BYTES, new byte[0], 1)));
        byte[] large = new byte[4 << 20];
        new Random(1).nextBytes(large);
        records.add(new Record(longest, 0, DataType.BYTES, large, Long.MAX_VALUE));
        ReplicaPush push = new ReplicaPush(longest, 0, Long.MAX_VALUE, 7, -1, -1, -1, 0, records);

        WireFormat.ReplicaBatch batch = wire.replicateFrame(ReplicateFrame.encode(push));

        assertThat(batch.partition()).isEqualTo(longest);
        assertThat(batch.records()).isEqualTo(asNew(records));
        assertThat(batch.epoch()).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void aBitFlippedAnywhereIsRefused() {
        byte[] body = ReplicateFrame.encode(randomPush(new Random(42), 5, 50));
        for (int bit = 0; bit < body.length * 8; bit++) {
            byte[] flipped = body.clone();
            flipped[bit / 8] ^= (byte) (1 << (bit % 8));
            String expected = bit < 8 ? "unsupported_version" : "bad_crc";
            assertThatThrownBy(() -> wire.replicateFrame(flipped)).as("bit %d", bit)
                    .isInstanceOfSatisfying(BadRequestException.class, e -> assertThat(e.code()).isEqualTo(expected));
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 10, 66})
    void aBodyShorterThanAnyPushIsTruncated(int length) {
        byte[] body = ReplicateFrame.encode(push("p", record(DataType.BYTES, "x")));
        assertThat(code(Arrays.copyOf(body, length))).isEqualTo("truncated_body");
    }

    @Test
    void aBodyCutShortFailsItsCrc() {
        byte[] body = ReplicateFrame.encode(push("p", record(DataType.BYTES, "x")));
        assertThat(code(Arrays.copyOf(body, body.length - 1))).isEqualTo("bad_crc");
    }

    /** Cut inside the second record's header, with a CRC over what is left: the count still fits, the record does not. */
    @Test
    void aResealedBodyCutInsideARecordIsTruncated() {
        byte[] body = ReplicateFrame.encode(push("p", record(DataType.BYTES, "0123456789"), record(DataType.BYTES, "0123456789")));
        int cut = countAt("p") + Integer.BYTES + 23 + 10;
        assertThat(code(resealed(Arrays.copyOf(body, cut + 4)))).isEqualTo("truncated_body");
    }

    @Test
    void anotherVersionIsUnsupported() {
        byte[] body = ReplicateFrame.encode(push("p", record(DataType.BYTES, "x")));
        body[0] = 2;
        assertThat(code(resealed(body))).isEqualTo("unsupported_version");
    }

    @Test
    void moreRecordsThanTheLengthHoldsIsACountMismatch() {
        byte[] body = ReplicateFrame.encode(push("p", record(DataType.BYTES, "x")));
        ByteBuffer.wrap(body).putInt(countAt("p"), 2);
        assertThat(code(resealed(body))).isEqualTo("count_mismatch");
    }

    @Test
    void moreRecordsThanABatchHoldsAreRefused() {
        byte[] body = ReplicateFrame.encode(push("p"));
        ByteBuffer.wrap(body).putInt(countAt("p"), LogService.MAX_BATCH_RECORDS + 1);
        assertThat(code(resealed(body))).isEqualTo("too_many_records");
        ByteBuffer.wrap(body).putInt(countAt("p"), -1); // 2^32 - 1, unsigned
        assertThat(code(resealed(body))).isEqualTo("too_many_records");
    }

    @Test
    void fewerRecordsThanTheBodyHoldsLeaveTrailingBytes() {
        byte[] body = ReplicateFrame.encode(push("p", record(DataType.BYTES, "x"), record(DataType.BYTES, "y")));
        ByteBuffer.wrap(body).putInt(countAt("p"), 1);
        assertThat(code(resealed(body))).isEqualTo("trailing_bytes");
    }

    @Test
    void aPayloadLongerThanWhatFollowsIsALengthMismatch() {
        byte[] body = ReplicateFrame.encode(push("p", record(DataType.BYTES, "xyz")));
        int lengthAt = countAt("p") + 4 + 1 + 8;
        ByteBuffer.wrap(body).putInt(lengthAt, 4);
        assertThat(code(resealed(body))).isEqualTo("length_mismatch");
        ByteBuffer.wrap(body).putInt(lengthAt, Integer.MIN_VALUE); // 2^31, unsigned
        assertThat(code(resealed(body))).isEqualTo("length_mismatch");
    }

    @Test
    void aKeyLongerThanWhatFollowsIsALengthMismatch() {
        byte[] body = ReplicateFrame.encode(push("p"));
        ByteBuffer.wrap(body).putShort(1, (short) 200);
        assertThat(code(resealed(body))).isEqualTo("length_mismatch");
    }

    @Test
    void badKeysAreInvalidPartitionKeys() {
        byte[] tooLong = ReplicateFrame.encode(push("p"));
        ByteBuffer.wrap(tooLong).putShort(1, (short) 256);
        byte[] empty = ReplicateFrame.encode(push("p"));
        byte[] withoutKey = new byte[empty.length - 1];
        withoutKey[0] = ReplicateFrame.VERSION; // key length 0
        System.arraycopy(empty, 4, withoutKey, 3, empty.length - 4);
        byte[] notUtf8 = ReplicateFrame.encode(push("p"));
        notUtf8[3] = (byte) 0xff;

        assertThat(code(resealed(tooLong))).isEqualTo("invalid_partition_key");
        assertThat(code(resealed(withoutKey))).isEqualTo("invalid_partition_key");
        assertThat(code(resealed(notUtf8))).isEqualTo("invalid_partition_key");
    }

    @Test
    void anUnknownTypeOrAPayloadThatDoesNotFitItsTypeIsAnInvalidRecord() {
        byte[] unknownType = ReplicateFrame.encode(push("p", record(DataType.BYTES, "x")));
        unknownType[countAt("p") + 4] = 3;
        byte[] notJson = ReplicateFrame.encode(push("p", record(DataType.BYTES, "{")));
        notJson[countAt("p") + 4] = (byte) DataType.JSON.code();

        assertThat(code(resealed(unknownType))).isEqualTo("invalid_record");
        assertThatThrownBy(() -> wire.replicateFrame(resealed(notJson))).isInstanceOf(InvalidRecordException.class)
                .hasMessageStartingWith("record 0: ");
    }

    @Test
    void anInvalidKeyIsTheApisTypedError() {
        byte[] body = ReplicateFrame.encode(push("p"));
        ByteBuffer.wrap(body).putShort(1, (short) 256);
        assertThatThrownBy(() -> wire.replicateFrame(resealed(body))).isInstanceOf(InvalidPartitionKeyException.class);
    }

    private static Record record(DataType type, String payload) {
        return new Record(PartitionKey.of("p"), 0, type, payload.getBytes(StandardCharsets.UTF_8), 5);
    }

    private static ReplicaPush push(String key, Record... records) {
        return new ReplicaPush(PartitionKey.of(key), 0, 1, 1, -1, -1, -1, 0, List.of(records));
    }

    /** Where the record count sits for a key of {@code key}'s length. */
    private static int countAt(String key) {
        return ReplicateFrame.FIXED_BYTES - Integer.BYTES + key.getBytes(StandardCharsets.UTF_8).length;
    }

    /** {@code body} with its CRC computed again, so that the check under test is the one that refuses it. */
    static byte[] resealed(byte[] body) {
        CRC32C crc = new CRC32C();
        crc.update(body, 0, body.length - 4);
        ByteBuffer.wrap(body).putInt(body.length - 4, (int) crc.getValue());
        return body;
    }

    private String code(byte[] body) {
        try {
            wire.replicateFrame(body);
        } catch (StoreLogException e) {
            return e.code();
        }
        throw new AssertionError("the body was accepted");
    }
}
