package storelog.store.file;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static storelog.store.file.Engines.text;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import storelog.api.EpochStart;
import storelog.api.PartitionKey;
import storelog.api.StaleEpochException;
import storelog.testkit.TestData;

/**
 * A cold partition's first use after a clean stop (issue 11, cold reads): one listing of its
 * directory, which also tells whether its leader-epoch history exists; the active segment's sizes
 * from the descriptors its check opens anyway, no {@code stat} of a segment file by path; the check
 * reads the index whole and the store's header and last frame at once when they are near.
 */
class ColdLoadTest {

    private static final PartitionKey KEY = PartitionKey.of("cold");

    private Path dir;

    @BeforeEach
    void setUp(TestInfo test) {
        dir = TestData.directory(test);
    }

    /** A local disk that counts the path operations on the partition directory and its files. */
    private static final class PathOps extends LocalDisk {
        final Map<String, AtomicInteger> counts = new ConcurrentHashMap<>();
        private final Path partition;

        PathOps(Path partition) {
            this.partition = partition;
        }

        private void count(String op, Path path) {
            if (path.startsWith(partition)) {
                counts.computeIfAbsent(op, k -> new AtomicInteger()).incrementAndGet();
            }
        }

        int count(String op) {
            AtomicInteger n = counts.get(op);
            return n == null ? 0 : n.get();
        }

        @Override
        public boolean exists(Path path) {
            count("exists", path);
            return super.exists(path);
        }

        @Override
        public boolean isDirectory(Path path) {
            count("isDirectory", path);
            return super.isDirectory(path);
        }

        @Override
        public boolean directoryExists(Path d) throws IOException {
            count("directoryExists", d);
            return super.directoryExists(d);
        }

        @Override
        public long size(Path file) throws IOException {
            count("size", file);
            return super.size(file);
        }

        @Override
        public List<Path> list(Path d) throws IOException {
            count("list", d);
            return super.list(d);
        }
    }

    @Test
    void aColdFirstReadListsThePartitionOnceAndStatsNoFileByPath() throws IOException {
        Path data = dir.resolve("data");
        try (FileStorageEngine engine = Engines.open(data, 1 << 20, FsyncPolicy.ALWAYS)) {
            engine.append(KEY, List.of(text("one record")));
        }
        PathOps disk = new PathOps(KEY.directoryIn(data));
        try (FileStorageEngine engine = Engines.open(data, 1 << 20, FsyncPolicy.ALWAYS, disk)) {
            assertThat(new String(engine.read(KEY, 0).payload())).isEqualTo("one record");
            assertThat(engine.epochs(KEY)).containsExactly(new EpochStart(0, 0));
        }
        assertThat(disk.count("directoryExists")).as("the table's stat of the directory").isEqualTo(1);
        assertThat(disk.count("list")).isEqualTo(1);
        assertThat(disk.count("size")).as("stats of segment files by path").isZero();
        assertThat(disk.count("exists")).as("index and leader-epoch history looked up by path").isZero();
        assertThat(disk.count("isDirectory")).isZero();
    }

    @Test
    void theListingFindsTheLeaderEpochHistory() {
        Path data = dir.resolve("data");
        try (FileStorageEngine engine = Engines.open(data, 1 << 20, FsyncPolicy.ALWAYS)) {
            engine.append(KEY, 3, List.of(text("of epoch 3")));
            engine.append(PartitionKey.of("plain"), List.of(text("of epoch 0")));
        }
        try (FileStorageEngine engine = Engines.open(data, 1 << 20, FsyncPolicy.ALWAYS)) {
            assertThat(engine.epochs(KEY)).containsExactly(new EpochStart(3, 0));
            assertThatThrownBy(() -> engine.append(KEY, 2, List.of(text("stale")))).isInstanceOf(StaleEpochException.class);
            assertThat(engine.epochs(PartitionKey.of("plain"))).containsExactly(new EpochStart(0, 0));
            assertThat(engine.append(PartitionKey.of("plain"), 1, List.of(text("of epoch 1")))).isEqualTo(1);
        }
        try (FileStorageEngine engine = Engines.open(data, 1 << 20, FsyncPolicy.ALWAYS)) {
            assertThat(engine.epochs(PartitionKey.of("plain"))).containsExactly(new EpochStart(0, 0), new EpochStart(1, 1));
        }
    }

    /**
     * The clean check of the active segment, with its last frame next to the store's header (one
     * read) and far from it (two): intact it counts the records; a damaged byte in the last frame,
     * the store's header, the index's header or an entry makes it fail (the segment is then scanned).
     */
    @ParameterizedTest
    @ValueSource(ints = {1, 3, 400})
    void theCleanCheckReadsTheLastFrameWhereverItIs(int records) throws IOException {
        Path data = dir.resolve("data");
        try (FileStorageEngine engine = Engines.open(data, 1 << 20, FsyncPolicy.ALWAYS)) {
            for (int i = 0; i < records; i++) {
                engine.append(KEY, List.of(text("record " + i)));
            }
        }
        Path store = SegmentName.storeFile(KEY.directoryIn(data), 0);
        Path index = SegmentName.indexFile(KEY.directoryIn(data), 0);
        long storeSize = java.nio.file.Files.size(store);
        assertThat(storeSize > FileHeader.SIZE + SegmentRecovery.NEAR_HEADER + 64).isEqualTo(records == 400);
        assertThat(cheapCount(data)).isEqualTo(records);
        for (long[] damage : new long[][] {{0, storeSize - 3}, {0, 1}, {1, 2}, {1, FileHeader.SIZE + 5}}) {
            Path file = damage[0] == 0 ? store : index;
            flip(file, damage[1]);
            assertThat(cheapCount(data)).as("a flipped byte at %d of %s", damage[1], file).isEqualTo(-1);
            flip(file, damage[1]);
            assertThat(cheapCount(data)).isEqualTo(records);
        }
    }

    private static long cheapCount(Path data) throws IOException {
        try (OpenFiles files = new OpenFiles(Disk.LOCAL, 16)) {
            Segment segment = SegmentFiles.open(KEY, KEY.directoryIn(data), 0, 0, false, files);
            return SegmentRecovery.cheapCount(segment);
        }
    }

    private static void flip(Path file, long position) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ByteBuffer b = ByteBuffer.allocate(1);
            channel.read(b, position);
            b.put(0, (byte) (b.get(0) ^ 0x40));
            b.rewind();
            channel.write(b, position);
        }
    }
}
