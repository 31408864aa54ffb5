package storelog.store.file;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;
import storelog.api.EpochStart;

/**
 * A partition's leader-epoch history on disk: the file {@value #NAME} in the partition directory,
 * beside the segments, holding the entries (epoch, start offset) oldest first.
 *
 * <pre>
 *  0       4  magic "SLEP"
 *  4       2  format version (1)
 *  6       2  reserved, 0
 *  8       4  n, the number of entries
 *  12   16·n  the entries: epoch (8), start offset (8)
 *  12+16·n 4  CRC-32C of bytes [0, 12+16·n)
 * </pre>
 * All numbers are big-endian; the file is exactly {@code 16 + 16·n} bytes. A valid history starts at
 * offset 0 (when it has entries) and grows strictly in both epoch and start offset.
 *
 * <p>The file is never written in place: each change replaces it whole ({@link FileReplacement}:
 * {@value #TEMPORARY_NAME} written and forced, renamed over it, the directory forced), so a crash
 * leaves the old history or the new one. A file that fails its checks was damaged by the disk, not
 * by a crash, and it cannot be rebuilt from the store (frames carry no epoch).
 *
 * <p>A missing file means the history {@code (0, 0)} when the partition has records (partitions
 * written before epochs existed, and partitions only ever written under epoch 0, which need no file),
 * and an empty history when it has none.
 */
final class EpochHistoryFile {

    static final String NAME = "leader-epochs";
    static final String TEMPORARY_NAME = NAME + FileReplacement.TEMPORARY_SUFFIX;
    static final int MAGIC = 0x534C4550;
    static final short VERSION = 1;
    static final int HEADER_SIZE = 12;
    static final int ENTRY_SIZE = 16;
    static final int CRC_SIZE = 4;
    /** More entries than this is no history the engine wrote (one per leader election). */
    static final int MAX_ENTRIES = 1 << 20;

    private EpochHistoryFile() {
    }

    static Path in(Path partitionDir) {
        return partitionDir.resolve(NAME);
    }

    static byte[] encode(List<EpochStart> entries) {
        ByteBuffer out = ByteBuffer.allocate(HEADER_SIZE + entries.size() * ENTRY_SIZE + CRC_SIZE);
        out.putInt(MAGIC).putShort(VERSION).putShort((short) 0).putInt(entries.size());
        for (EpochStart e : entries) {
            out.putLong(e.epoch()).putLong(e.startOffset());
        }
        out.putInt(crc(out.array(), out.position()));
        return out.array();
    }

    /**
     * The entries of the history file {@code bytes} (read from {@code file}).
     *
     * @throws DamagedEpochHistoryException when the bytes are no valid history
     */
    static List<EpochStart> decode(Path file, ByteBuffer bytes) throws DamagedEpochHistoryException {
        int size = bytes.remaining();
        if (size < HEADER_SIZE + CRC_SIZE) {
            throw new DamagedEpochHistoryException(file, size + " bytes, shorter than an empty history ("
                    + (HEADER_SIZE + CRC_SIZE) + ")");
        }
        byte[] all = new byte[size];
        bytes.get(all);
        ByteBuffer in = ByteBuffer.wrap(all);
        if (in.getInt(0) != MAGIC) {
            throw new DamagedEpochHistoryException(file, String.format("bad magic 0x%08x (expected 0x%08x)", in.getInt(0), MAGIC));
        }
        if (in.getShort(4) != VERSION) {
            throw new DamagedEpochHistoryException(file, "unsupported format version " + in.getShort(4));
        }
        long n = Integer.toUnsignedLong(in.getInt(8));
        long expected = HEADER_SIZE + n * ENTRY_SIZE + CRC_SIZE;
        if (n > MAX_ENTRIES || size != expected) {
            throw new DamagedEpochHistoryException(file, "it says " + n + " entries, which take " + expected
                    + " bytes, but it has " + size);
        }
        if (in.getInt(size - CRC_SIZE) != crc(all, size - CRC_SIZE)) {
            throw new DamagedEpochHistoryException(file, "CRC-32C mismatch");
        }
        List<EpochStart> entries = new ArrayList<>((int) n);
        EpochStart previous = null;
        for (int i = 0; i < n; i++) {
            long epoch = in.getLong(HEADER_SIZE + i * ENTRY_SIZE);
            long start = in.getLong(HEADER_SIZE + i * ENTRY_SIZE + 8);
            String wrong = epoch < 0 || start < 0 ? "is negative"
                    : previous == null && start != 0 ? "does not start at offset 0"
                    : previous != null && (epoch <= previous.epoch() || start <= previous.startOffset())
                            ? "does not follow (epoch " + previous.epoch() + ", offset " + previous.startOffset() + ")" : null;
            if (wrong != null) {
                throw new DamagedEpochHistoryException(file, "entry " + i + " (epoch " + epoch + ", offset " + start + ") " + wrong);
            }
            previous = new EpochStart(epoch, start);
            entries.add(previous);
        }
        return List.copyOf(entries);
    }

    /**
     * Reads the history file {@code file}.
     *
     * @throws DamagedEpochHistoryException when it is no valid history
     * @throws IOException                  when it cannot be read
     */
    static List<EpochStart> read(Disk disk, Path file) throws IOException, DamagedEpochHistoryException {
        ByteBuffer bytes;
        try (FileChannel channel = disk.open(file, StandardOpenOption.READ)) {
            long size = channel.size();
            if (size > HEADER_SIZE + (long) MAX_ENTRIES * ENTRY_SIZE + CRC_SIZE) {
                throw new DamagedEpochHistoryException(file, size + " bytes, more than a history of " + MAX_ENTRIES + " entries");
            }
            bytes = ByteBuffer.allocate((int) size);
            while (bytes.hasRemaining()) {
                if (channel.read(bytes, bytes.position()) < 0) {
                    break; // shorter than its size said a moment ago: decode names the damage
                }
            }
        }
        return decode(file, bytes.flip());
    }

    /** Replaces the history of the partition in {@code dir} with {@code entries}, durably (the directory must exist). */
    static void write(Disk disk, Path dir, List<EpochStart> entries) throws IOException {
        FileReplacement.replace(disk, in(dir), encode(entries));
    }

    /**
     * The human-readable dump of a history file ({@code storelog dump leader-epochs}):
     * <pre>
     * # leader-epochs: leader-epoch history, 2 entries, 48 bytes, ok
     * epoch=1 start=0
     * epoch=4 start=120
     * </pre>
     * A damaged file is shown with what is wrong and the entries its bytes hold, unchecked.
     */
    static void dump(Path file, Appendable out) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        List<EpochStart> entries;
        String state;
        try {
            entries = decode(file, ByteBuffer.wrap(bytes));
            state = "ok";
        } catch (DamagedEpochHistoryException e) {
            entries = null;
            state = "DAMAGED(" + e.problem() + ")";
        }
        out.append(String.format("# %s: leader-epoch history, %s, %d bytes, %s%n", file.getFileName(),
                entries != null ? entries.size() + " entries" : "unreadable", bytes.length, state));
        if (entries != null) {
            for (EpochStart e : entries) {
                out.append(String.format("epoch=%d start=%d%n", e.epoch(), e.startOffset()));
            }
            return;
        }
        ByteBuffer in = ByteBuffer.wrap(bytes);
        for (int at = HEADER_SIZE; at + ENTRY_SIZE <= bytes.length - CRC_SIZE; at += ENTRY_SIZE) {
            out.append(String.format("unchecked: epoch=%d start=%d%n", in.getLong(at), in.getLong(at + 8)));
        }
    }

    private static int crc(byte[] bytes, int length) {
        CRC32C crc = new CRC32C();
        crc.update(bytes, 0, length);
        return (int) crc.getValue();
    }
}
