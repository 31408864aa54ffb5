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
}
