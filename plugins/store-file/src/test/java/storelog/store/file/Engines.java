package storelog.store.file;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import storelog.api.DataType;
import storelog.api.NewRecord;
import storelog.api.PartitionKey;

/** Test fixtures: engines over a test's directory, records, and the .txt dumps beside segment files. */
final class Engines {

    static final PartitionKey KEY = PartitionKey.of("orders");

    /** The {@code i}-th of many partitions: {@code p<i>}. */
    static PartitionKey key(int i) {
        return PartitionKey.of("p" + i);
    }

    private Engines() {
    }

    static StoreConfig config(Path dir, long maxFileSize, FsyncPolicy fsync) {
        return new StoreConfig(dir, maxFileSize, fsync, 64);
    }

    static FileStorageEngine open(Path dir, long maxFileSize, FsyncPolicy fsync) {
        return open(dir, maxFileSize, fsync, Disk.LOCAL);
    }

    /** An engine on {@code disk} (a {@link Faults} disk in failure tests). */
    static FileStorageEngine open(Path dir, long maxFileSize, FsyncPolicy fsync, Disk disk) {
        return FileStorageEngine.open(config(dir, maxFileSize, fsync), disk);
    }

    /**
     * An engine on a {@link PowerCutDisk}'s data directory that recovers a crashed partition only on
     * first use, so a test sees what each run of a power-cut scenario finds on that disk.
     */
    static FileStorageEngine openForeground(PowerCutDisk disk, long maxFileSize, FsyncPolicy fsync) {
        return FileStorageEngine.open(config(PowerLossWorkload.dataDir(disk.root()), maxFileSize, fsync), disk, false);
    }

    static FileStorageEngine open(Path dir) {
        return open(dir, StoreConfig.DEFAULT_MAX_FILE_SIZE, FsyncPolicy.ALWAYS);
    }

    /** Writes {@code text} through {@code file}'s buffer and flushes it to the OS (no fsync). */
    static void writeFlushed(BufferedFile file, String text) throws IOException {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        file.reserve(bytes.length).put(file.bufferedLength(), bytes);
        file.commit(bytes.length);
        file.flush();
    }

    /** The texts of every record of {@code key}, from offset 0; none when the partition does not exist. */
    static List<String> texts(FileStorageEngine engine, PartitionKey key) {
        return engine.info(key).isEmpty() ? List.of()
                : engine.read(key, 0, 10_000, Long.MAX_VALUE).stream().map(storelog.api.Record::text).toList();
    }

    static NewRecord text(String s) {
        return new NewRecord(DataType.STRING, s.getBytes(StandardCharsets.UTF_8), 1_764_230_400_000L);
    }

    /** A string record of exactly {@code payloadBytes} bytes, recognisable by {@code id}. */
    static NewRecord sized(long id, int payloadBytes) {
        String prefix = "r" + id + "-";
        return text(prefix + "x".repeat(Math.max(0, payloadBytes - prefix.length())));
    }

    /** Appends {@code n} records "r0".."r(n-1)" one at a time. */
    static void appendTexts(FileStorageEngine engine, PartitionKey key, int from, int n) {
        for (int i = from; i < from + n; i++) {
            engine.append(key, List.of(text("r" + i)));
        }
    }

    static Path partitionDir(Path dataDir, PartitionKey key) {
        return key.directoryIn(dataDir);
    }

    static Path store(Path dataDir, long base) {
        return SegmentName.storeFile(partitionDir(dataDir, KEY), base);
    }

    static Path index(Path dataDir, long base) {
        return SegmentName.indexFile(partitionDir(dataDir, KEY), base);
    }

    /** Writes {@code <file>.txt} dumps beside every segment file under {@code dir} (the test-data convention). */
    static void dumpBeside(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path file : files.filter(f -> SegmentName.parse(f.getFileName().toString()).isPresent()).toList()) {
                StringBuilder text = new StringBuilder();
                SegmentDump.dump(file, text);
                Files.writeString(file.resolveSibling(file.getFileName() + ".txt"), text);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The segment store files of a partition, by base offset. */
    static List<Path> storeFiles(Path dataDir, PartitionKey key) throws IOException {
        try (Stream<Path> files = Files.list(partitionDir(dataDir, key))) {
            return files.filter(f -> f.getFileName().toString().endsWith(".store"))
                    .sorted((a, b) -> Long.compare(base(a), base(b))).toList();
        }
    }

    /** The bytes of all of a partition's store files on disk (what reached the files, not what is buffered). */
    static long storedBytes(Path dataDir, PartitionKey key) throws IOException {
        long bytes = 0;
        for (Path store : storeFiles(dataDir, key)) {
            bytes += Files.size(store);
        }
        return bytes;
    }

    static long base(Path segmentFile) {
        return SegmentName.parse(segmentFile.getFileName().toString()).orElseThrow().baseOffset();
    }

    /** Flips a bit of the payload {@code text} in whichever store file of partition {@code key} holds it (the last
     * occurrence not followed by a digit, so "r7" is not found in "r70"). */
    static void damagePayload(Path data, PartitionKey key, String text) throws IOException {
        byte[] needle = text.getBytes(StandardCharsets.UTF_8);
        try (var files = Files.list(key.directoryIn(data))) {
            for (Path store : files.filter(f -> f.toString().endsWith(".store")).toList()) {
                byte[] bytes = Files.readAllBytes(store);
                for (int at = bytes.length - needle.length; at >= 0; at--) {
                    if (Arrays.equals(bytes, at, at + needle.length, needle, 0, needle.length)
                            && (at + needle.length == bytes.length || !Character.isDigit(bytes[at + needle.length]))) {
                        try (FileChannel channel = FileChannel.open(store, StandardOpenOption.WRITE)) {
                            channel.write(ByteBuffer.wrap(new byte[] {(byte) (bytes[at + 1] ^ 0x01)}), at + 1);
                        }
                        return;
                    }
                }
            }
        }
        throw new AssertionError(text + " not found");
    }

    /** Flips bit 4 of the byte at {@code position} of {@code file} (damage a test plants). */
    static void flipBit(Path file, long position) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ByteBuffer b = ByteBuffer.allocate(1);
            ch.read(b, position);
            b.put(0, (byte) (b.get(0) ^ 0x10)).rewind();
            ch.write(b, position);
        }
    }

    /** Appends one record per text to {@link #KEY} of the engine in {@code data} ({@code always}), then closes it cleanly. */
    static List<String> writeAndClose(Path data, String... texts) {
        try (FileStorageEngine engine = open(data)) {
            for (String t : texts) {
                engine.append(KEY, List.of(text(t)));
            }
        }
        return List.of(texts);
    }
}
