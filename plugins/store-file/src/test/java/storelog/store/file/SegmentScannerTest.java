package storelog.store.file;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static storelog.store.file.Engines.KEY;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import storelog.api.CorruptRecordException;
import storelog.api.DataType;
import storelog.api.NewRecord;
import storelog.api.Record;
import storelog.testkit.TestData;

/**
 * Resynchronising past damage must not take a frame inside a payload for a record: a record may
 * carry whole, valid frames of the very offsets that follow it (a log that stores log frames). The
 * index refutes them where it is intact; where it is not, the real frames that come after the fakes
 * contradict them and the scan searches on.
 */
class SegmentScannerTest {

    private static final long CARRIER = 5;

    /** Records 0..11; record 5's payload is [pad] frame(6, "fake6") frame(7, "fake7") [pad]. */
    private static Path write(Path data, boolean padded) {
        byte[] fake6 = frame(CARRIER + 1, "fake6");
        byte[] fake7 = frame(CARRIER + 2, "fake7");
        ByteBuffer payload = ByteBuffer.allocate(fake6.length + fake7.length + (padded ? 4 : 0));
        if (padded) {
            payload.put(new byte[] {'A', 'B'});
        }
        payload.put(fake6).put(fake7);
        if (padded) {
            payload.put(new byte[] {'C', 'D'});
        }
        try (FileStorageEngine engine = Engines.open(data, 1 << 20, FsyncPolicy.NEVER)) {
            Engines.appendTexts(engine, KEY, 0, (int) CARRIER);
            engine.append(KEY, List.of(NewRecord.bytes(payload.array(), 0)));
            Engines.appendTexts(engine, KEY, (int) CARRIER + 1, 6);
        }
        return data;
    }

    private static byte[] frame(long offset, String text) {
        byte[] payload = text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        ByteBuffer frame = ByteBuffer.allocate(Frame.length(payload.length));
        Frame.encode(frame, 0, offset, DataType.STRING, 1_764_230_400_000L, payload, false);
        return frame.array();
    }

    @ParameterizedTest(name = "[{index}] index intact: {0}, bytes around the embedded frames: {1}")
    @CsvSource({"true, true", "true, false", "false, true", "false, false"})
    void framesInsideAPayloadAreNotTakenForRecordsAfterDamage(boolean indexIntact, boolean padded, TestInfo test)
            throws IOException {
        Path data = write(TestData.directory(test), padded);
        Files.delete(data.resolve(DataDirectory.CLEAN_MARKER));
        Path partition = Engines.partitionDir(data, KEY);
        long carrierAt = framePosition(data, CARRIER);
        Engines.flipBit(SegmentName.storeFile(partition, 0), carrierAt + 3); // its length field is off by 16
        if (!indexIntact) {
            Files.delete(SegmentName.indexFile(partition, 0));
        }
        Engines.dumpBeside(data);

        assertThat(Verifier.verify(data, false).problems()).filteredOn(p -> p.offset() >= 0)
                .extracting(p -> p.offset()).containsExactly(CARRIER);
        try (FileStorageEngine engine = Engines.open(data)) {
            assertThat(engine.info(KEY).orElseThrow().nextOffset()).isEqualTo(12);
            assertThatThrownBy(() -> engine.read(KEY, CARRIER)).isInstanceOf(CorruptRecordException.class);
            List<String> after = new ArrayList<>();
            engine.read(KEY, CARRIER + 1, 100, Long.MAX_VALUE).forEach(r -> after.add(r.text()));
            assertThat(after).containsExactlyElementsOf(FileStorageEngineTest.expectedTexts(6, 12));
            assertThat(engine.read(KEY, 0, (int) CARRIER, Long.MAX_VALUE)).extracting(Record::text)
                    .containsExactlyElementsOf(FileStorageEngineTest.expectedTexts(0, (int) CARRIER));
        }
    }

    private static long framePosition(Path data, long offset) throws IOException {
        ByteBuffer index = ByteBuffer.wrap(Files.readAllBytes(Engines.index(data, 0)));
        return IndexEntry.decode(index, (int) IndexEntry.positionOf(offset), offset).position();
    }
}
