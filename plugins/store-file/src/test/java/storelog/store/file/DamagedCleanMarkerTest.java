package storelog.store.file;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import storelog.api.PartitionKey;
import storelog.api.Record;
import storelog.testkit.TestData;

/**
 * A clean-shutdown marker that names many partitions still awaiting crash recovery spans several
 * disk blocks. It is written in place, so a power cut before its fsync can leave it <em>torn</em>
 * ({@link PowerCutDisk}: each 512-byte or 4 KiB block from a moment of its own, the size from
 * another): its first block still zeros, its last one — with the {@code end} line — written. Or a
 * line of it may be damaged on the medium. Such a marker still ends with {@code end}; before this
 * test the open believed it, silently dropped the lines it could not read (a zeroed block is no
 * {@code recover} line; a damaged name is "not a partition" and ignored), and trusted the partitions
 * they named as closed cleanly: their torn records were served, their offsets counted. A marker is
 * only believed when all of it is intact.
 */
class DamagedCleanMarkerTest {

    private static final int PARTITIONS = 60;

    private Path dir;

    @BeforeEach
    void setUp(TestInfo test) {
        dir = TestData.directory(test);
    }

    @Test
    void aTornMarkerWhoseFirstBlockIsZerosVouchesForNoPartition() throws IOException {
        check("torn", text -> {
            byte[] bytes = text.getBytes(StandardCharsets.ISO_8859_1);
            assertThat(bytes.length).as("the marker spans more than one 512-byte block").isGreaterThan(512);
            Arrays.fill(bytes, 0, 512, (byte) 0); // the first block never reached the disk; the size and the last block did
            return new String(bytes, StandardCharsets.ISO_8859_1);
        });
    }

    @Test
    void aMarkerWithADamagedLineVouchesForNoPartition() throws IOException {
        check("damaged", text -> text.replace("recover p07\n", "recover P07\n")); // one flipped bit: no partition's name
    }

    private void check(String name, UnaryOperator<String> damage) throws IOException {
        Path data = dir.resolve(name);
        try (FileStorageEngine engine = Engines.open(data, 1 << 20, FsyncPolicy.NEVER)) {
            for (int p = 0; p < PARTITIONS; p++) {
                Engines.appendTexts(engine, key(p), 0, 5);
            }
        }
        Files.delete(data.resolve(DataDirectory.CLEAN_MARKER)); // a crash of that run
        for (int p = 0; p < PARTITIONS; p++) {
            try (FileChannel store = FileChannel.open(SegmentName.storeFile(key(p).directoryIn(data), 0), StandardOpenOption.WRITE)) {
                store.truncate(store.size() - 3); // the crash tore its last frame
            }
        }
        // a run that recovers none of them and closes cleanly: its marker names them all
        FileStorageEngine.open(Engines.config(data, 1 << 20, FsyncPolicy.ALWAYS), new LocalDisk(), false).close();
        Path marker = data.resolve(DataDirectory.CLEAN_MARKER);
        String text = Files.readString(marker, StandardCharsets.ISO_8859_1);
        assertThat(text).contains("recover p00\n", "recover p07\n", "recover p59\n");
        Files.writeString(marker, damage.apply(text), StandardCharsets.ISO_8859_1);

        try (FileStorageEngine engine = FileStorageEngine.open(Engines.config(data, 1 << 20, FsyncPolicy.ALWAYS),
                new LocalDisk(), false)) {
            for (int p = 0; p < PARTITIONS; p++) {
                assertThat(engine.read(key(p), 0, 10, Long.MAX_VALUE)).extracting(Record::text).as("%s: p%02d", name, p)
                        .containsExactly("r0", "r1", "r2", "r3");
                assertThat(engine.append(key(p), List.of(Engines.text("next")))).as("%s: p%02d, the torn record's offset", name, p)
                        .isEqualTo(4);
            }
        }
    }

    private static PartitionKey key(int p) {
        return PartitionKey.of(String.format("p%02d", p));
    }
}
