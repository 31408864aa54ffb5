package storelog.store.file;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import storelog.api.PartitionKey;
import storelog.testkit.TestData;

/** 10,000 partitions must not exhaust file descriptors: open files stay bounded by the LRU. */
class ManyPartitionsTest {

    private static final int PARTITIONS = 10_000;
    private static final int MAX_OPEN = 64;

    @Test
    void tenThousandPartitionsKeepOpenDescriptorsBounded(TestInfo test) throws IOException {
        Path dir = TestData.directory(test);
        long before = openDescriptors();
        try (FileStorageEngine engine = FileStorageEngine.open(new StoreConfig(dir, 1 << 20, FsyncPolicy.NEVER, MAX_OPEN),
                Disk.LOCAL)) {
            long peak = 0;
            for (int i = 0; i < PARTITIONS; i++) {
                PartitionKey key = PartitionKey.of("p" + i);
                engine.append(key, List.of(Engines.text("first of " + i)));
                assertThat(engine.read(key, 0).text()).isEqualTo("first of " + i);
                if (i % 500 == 0) {
                    peak = Math.max(peak, openDescriptors() - before);
                    assertThat(engine.openFiles()).isLessThanOrEqualTo(MAX_OPEN);
                }
            }
            for (int i = 0; i < PARTITIONS; i += 7) {
                assertThat(engine.read(PartitionKey.of("p" + i), 0).text()).isEqualTo("first of " + i);
            }
            peak = Math.max(peak, openDescriptors() - before);
            assertThat(peak).as("descriptors opened by the engine").isLessThan(MAX_OPEN + 16);
            assertThat(engine.partitions()).hasSize(PARTITIONS);
        }
        try (FileStorageEngine engine = Engines.open(dir)) {
            assertThat(engine.partitions()).hasSize(PARTITIONS);
            assertThat(engine.read(PartitionKey.of("p9999"), 0).text()).isEqualTo("first of 9999");
        }
    }

    private static long openDescriptors() throws IOException {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.count();
        }
    }
}
