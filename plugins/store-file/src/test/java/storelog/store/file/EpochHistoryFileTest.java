package storelog.store.file;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import storelog.api.EpochStart;
import storelog.testkit.TestData;

/** The {@code leader-epochs} file format: its bytes as documented, and every kind of damage caught. */
class EpochHistoryFileTest {

    private static final Path FILE = Path.of("leader-epochs");
    private static final List<EpochStart> HISTORY = List.of(new EpochStart(1, 0), new EpochStart(4, 120),
            new EpochStart(9, 121));

    @Test
    void theBytesAreTheDocumentedLayout() {
        byte[] bytes = EpochHistoryFile.encode(List.of(new EpochStart(1, 0), new EpochStart(4, 120)));

        assertThat(bytes).hasSize(16 + 2 * 16);
        assertThat(HexFormat.of().formatHex(bytes, 0, 12)).isEqualTo("534c4550" + "0001" + "0000" + "00000002");
        ByteBuffer in = ByteBuffer.wrap(bytes);
        assertThat(List.of(in.getLong(12), in.getLong(20), in.getLong(28), in.getLong(36))).containsExactly(1L, 0L, 4L, 120L);
        java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
        crc.update(bytes, 0, bytes.length - 4);
        assertThat(in.getInt(bytes.length - 4)).isEqualTo((int) crc.getValue());
    }

    @Test
    void whatIsWrittenIsReadBack() throws Exception {
        assertThat(EpochHistoryFile.decode(FILE, ByteBuffer.wrap(EpochHistoryFile.encode(HISTORY)))).isEqualTo(HISTORY);
        assertThat(EpochHistoryFile.decode(FILE, ByteBuffer.wrap(EpochHistoryFile.encode(List.of())))).isEmpty();
    }

    @Test
    void everyFlippedBitIsCaught() {
        byte[] good = EpochHistoryFile.encode(HISTORY);
        for (int i = 0; i < good.length; i++) {
            for (int bit = 0; bit < 8; bit++) {
                byte[] bad = good.clone();
                bad[i] ^= (byte) (1 << bit);
                int at = i;
                assertThatThrownBy(() -> EpochHistoryFile.decode(FILE, ByteBuffer.wrap(bad)))
                        .as("bit %d of byte %d", bit, at).isInstanceOf(DamagedEpochHistoryException.class);
            }
        }
    }

    @Test
    void aFileCutShortOrGrownIsCaught() {
        byte[] good = EpochHistoryFile.encode(HISTORY);
        for (int length = 0; length < good.length; length++) {
            ByteBuffer cut = ByteBuffer.wrap(good, 0, length);
            assertThatThrownBy(() -> EpochHistoryFile.decode(FILE, cut)).as("cut to %d bytes", length)
                    .isInstanceOf(DamagedEpochHistoryException.class);
        }
        ByteBuffer grown = ByteBuffer.allocate(good.length + 1).put(good).flip().limit(good.length + 1);
        assertThatThrownBy(() -> EpochHistoryFile.decode(FILE, grown)).isInstanceOf(DamagedEpochHistoryException.class)
                .hasMessageContaining("3 entries");
    }

    @Test
    void entriesMustStartAtZeroAndGrowInEpochAndOffset() {
        assertDamaged(List.of(new EpochStart(1, 5)), "entry 0 (epoch 1, offset 5) does not start at offset 0");
        assertDamaged(List.of(new EpochStart(1, 0), new EpochStart(1, 10)), "entry 1 (epoch 1, offset 10) does not follow");
        assertDamaged(List.of(new EpochStart(2, 0), new EpochStart(1, 10)), "entry 1 (epoch 1, offset 10) does not follow");
        assertDamaged(List.of(new EpochStart(1, 0), new EpochStart(2, 0)), "entry 1 (epoch 2, offset 0) does not follow");
    }

    @Test
    void aNegativeNumberIsDamage() {
        byte[] bytes = EpochHistoryFile.encode(List.of(new EpochStart(1, 0)));
        ByteBuffer.wrap(bytes).putLong(12, -1);
        ByteBuffer.wrap(bytes).putInt(bytes.length - 4, crc(bytes));
        assertThatThrownBy(() -> EpochHistoryFile.decode(FILE, ByteBuffer.wrap(bytes)))
                .isInstanceOf(DamagedEpochHistoryException.class).hasMessageContaining("is negative");
    }

    @Test
    void theDumpShowsEntriesOrTheDamage(TestInfo test) throws Exception {
        Path dir = TestData.directory(test);
        Path file = dir.resolve(EpochHistoryFile.NAME);
        Files.write(file, EpochHistoryFile.encode(HISTORY));
        StringBuilder out = new StringBuilder();
        EpochHistoryFile.dump(file, out);
        assertThat(out.toString()).isEqualTo(String.format("# leader-epochs: leader-epoch history, 3 entries, 64 bytes, ok%n"
                + "epoch=1 start=0%nepoch=4 start=120%nepoch=9 start=121%n"));

        byte[] bad = EpochHistoryFile.encode(HISTORY);
        bad[27] ^= 1; // the first entry's start offset, 0 becomes 1
        Files.write(file, bad);
        out.setLength(0);
        new FileStorageProvider().dump(file, out);
        assertThat(out.toString()).startsWith("# leader-epochs: leader-epoch history, unreadable, 64 bytes, DAMAGED(CRC-32C mismatch)")
                .contains("unchecked: epoch=1 start=1").contains("unchecked: epoch=4 start=120");
    }

    /** Encodes {@code entries} with a valid checksum and expects the rules to reject them. */
    private static void assertDamaged(List<EpochStart> entries, String problem) {
        byte[] bytes = EpochHistoryFile.encode(entries);
        assertThatThrownBy(() -> EpochHistoryFile.decode(FILE, ByteBuffer.wrap(bytes)))
                .isInstanceOf(DamagedEpochHistoryException.class).hasMessageContaining(problem);
    }

    private static int crc(byte[] bytes) {
        java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
        crc.update(bytes, 0, bytes.length - 4);
        return (int) crc.getValue();
    }
}
