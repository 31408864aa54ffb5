package storelog.store.file;

import static org.assertj.core.api.Assertions.assertThat;
import static storelog.store.file.Engines.text;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import storelog.api.PartitionKey;
import storelog.testkit.TestData;

/**
 * What the first append to a new partition costs in fsyncs under {@code FSYNC=always}: the partition
 * directory (the new files' names), {@code DATA_DIR} (the new directory's name) and the record's store
 * (the group commit; the index is derived data, never forced by it) — once each, all before the
 * acknowledgement; nothing more (it was six: the new files' headers and the partition directory were
 * forced on their own too). A second record costs only its group commit.
 */
class CreationFsyncsTest {

    private Path dir;
    private final Faults disk = new Faults();

    @BeforeEach
    void setUp(TestInfo test) {
        dir = TestData.directory(test);
    }

    private List<String> forces() {
        synchronized (disk.events) {
            return new ArrayList<>(disk.events.stream().filter(e -> e.startsWith("force")).toList());
        }
    }

    @Test
    void aNewPartitionsFirstAppendCostsThreeFsyncs() {
        try (FileStorageEngine engine = Engines.open(dir, 1 << 20, FsyncPolicy.ALWAYS, disk)) {
            engine.append(PartitionKey.of("warm-up"), List.of(text("x")));
            for (String name : List.of("first", "second")) {
                PartitionKey key = PartitionKey.of(name);
                Path partition = key.directoryIn(dir);
                disk.events.clear();
                engine.append(key, List.of(text("r0")));
                assertThat(forces()).as(name).containsExactly("force-dir " + partition, "force-dir " + dir,
                        "force " + SegmentName.storeFile(partition, 0));
                disk.events.clear();
                engine.append(key, List.of(text("r1")));
                assertThat(forces()).as(name + ", second record").containsExactly("force " + SegmentName.storeFile(partition, 0));
            }
        }
    }

    /**
     * Partitions created at the same time share {@code DATA_DIR}'s fsync ({@link GroupedDirectoryForce}),
     * yet each one's first acknowledgement comes after an fsync of {@code DATA_DIR} that started after
     * its directory was made.
     */
    @Test
    void concurrentCreationsAreEachCoveredByADataDirFsyncThatStartedAfterTheirDirectory() throws Exception {
        int n = 64;
        try (FileStorageEngine engine = Engines.open(dir, 1 << 20, FsyncPolicy.ALWAYS, disk)) {
            try (var threads = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
                List<java.util.concurrent.Future<?>> appends = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    PartitionKey key = PartitionKey.of("c" + i);
                    appends.add(threads.submit(() -> {
                        engine.append(key, List.of(text("r0")));
                        disk.events.add("acknowledged " + key.directoryIn(dir));
                        return null;
                    }));
                }
                for (var append : appends) {
                    append.get();
                }
            }
        }
        List<String> events;
        synchronized (disk.events) {
            events = new ArrayList<>(disk.events);
        }
        for (int i = 0; i < n; i++) {
            Path partition = PartitionKey.of("c" + i).directoryIn(dir);
            int made = events.indexOf("mkdir " + partition);
            int acknowledged = events.indexOf("acknowledged " + partition);
            assertThat(made).as("c" + i).isNotNegative().isLessThan(acknowledged);
            assertThat(events.subList(made, acknowledged)).as("c" + i).contains("force-dir " + dir);
        }
    }
}
