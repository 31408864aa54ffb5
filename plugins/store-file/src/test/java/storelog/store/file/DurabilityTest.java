package storelog.store.file;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static storelog.store.file.Engines.KEY;
import static storelog.store.file.Engines.text;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import storelog.api.NewRecord;
import storelog.api.StoreLogException;
import storelog.testkit.TestData;

/**
 * What the engine makes durable and in which order, read from the journal of the {@link Faults}
 * disk: recovered bytes are forced before they are served, a clean close forces before it writes
 * the marker, deletions and creations of files and directories are followed by a directory fsync.
 */
class DurabilityTest {

    private Path dir;
    private final Faults disk = new Faults();

    @BeforeEach
    void setUp(TestInfo test) {
        dir = TestData.directory(test);
    }

    @ParameterizedTest
    @ValueSource(strings = {"always", "interval:5", "never"})
    void recoveryAfterAnUncleanStopForcesEveryFileItAdoptsBeforeServing(String fsync) throws IOException {
        try (FileStorageEngine engine = Engines.open(dir, 300, FsyncPolicy.parse(fsync))) {
            Engines.appendTexts(engine, KEY, 0, 40);
        }
        Files.delete(dir.resolve(DataDirectory.CLEAN_MARKER)); // as a kill -9 leaves it: bytes maybe only in the page cache
        if (!fsync.equals("always")) {
            CrashShapesTest.crashedUnderNever(dir); // and, of a run under interval|never, its .unforced-rolls
        }
        List<Path> stores = Engines.storeFiles(dir, KEY);
        Path partition = Engines.partitionDir(dir, KEY);
        String activeIndex;

        try (FileStorageEngine engine = FileStorageEngine.open(Engines.config(dir, 300, FsyncPolicy.parse(fsync)), disk, false)) {
            assertThat(disk.events).as("nothing of the partition is forced before it is used").noneMatch(e -> e.contains(partition.toString()));
            engine.read(KEY, 0); // the partition's recovery: done before it answers
            List<String> before = new ArrayList<>(disk.events);
            Path active = stores.getLast();
            assertThat(before).as("forced before the engine serves").contains("force " + active, "force-dir " + partition,
                    "force-dir " + dir);
            // the active index is derived data (the group commit does not force it either): a power cut now could
            // only take entries the next crash recovery writes again from the store; its roll or the clean close forces it
            activeIndex = "force " + SegmentName.indexFile(partition, Engines.base(active));
            assertThat(before).as("the active index is not forced before serving").doesNotContain(activeIndex);
            if (!fsync.equals("always")) { // recent sealed segments may have been waiting for their background fsync
                Path lastSealed = stores.get(stores.size() - 2);
                assertThat(before).contains("force " + lastSealed, "force " + SegmentName.indexFile(partition, Engines.base(lastSealed)));
            }
            assertThat(engine.read(KEY, 39).text()).isEqualTo("r39");
        }
        assertThat(disk.events).as("the clean close forced the adopted active index").contains(activeIndex);
    }

    @Test
    void aCleanStartForcesNothing() {
        try (FileStorageEngine engine = Engines.open(dir)) {
            Engines.appendTexts(engine, KEY, 0, 5);
        }
        try (FileStorageEngine engine = Engines.open(dir, 1 << 20, FsyncPolicy.ALWAYS, disk)) {
            assertThat(engine.read(KEY, 4).text()).isEqualTo("r4");
            assertThat(disk.events).noneMatch(e -> e.startsWith("force "));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"always", "interval:5", "never"})
    void aCleanCloseForcesStoreAndIndexBeforeItWritesTheMarker(String fsync) {
        FileStorageEngine engine = Engines.open(dir, 1 << 20, FsyncPolicy.parse(fsync), disk);
        Engines.appendTexts(engine, KEY, 0, 5);
        int closing = disk.events.size();
        engine.close();
        Path partition = Engines.partitionDir(dir, KEY);
        int marker = disk.indexOf("force " + dir.resolve(DataDirectory.CLEAN_MARKER), closing);
        assertThat(marker).as("the marker is written durably: %s", disk.events).isPositive();
        int index = disk.indexOf("force " + SegmentName.indexFile(partition, 0), closing);
        assertThat(index).as("index forced at close, before the marker: %s", disk.events).isBetween(closing, marker);
        if (fsync.equals("never")) { // nothing else forced the store, nor the names of the new files and directories
            int store = disk.indexOf("force " + SegmentName.storeFile(partition, 0), closing);
            assertThat(store).as("store forced at close, before the marker: %s", disk.events).isBetween(closing, marker);
            int names = disk.indexOf("force-dir " + partition, closing);
            assertThat(names).as("partition directory forced at close, before the marker: %s", disk.events).isBetween(closing, marker);
            assertThat(disk.indexOf("force-dir " + dir, closing)).as("DATA_DIR forced at close: %s", disk.events)
                    .isBetween(closing, marker);
        }
    }

    @Test
    void creatingTheDataDirectoryIsDurable() {
        Path nested = dir.resolve("a").resolve("b").resolve("data");
        try (FileStorageEngine engine = Engines.open(nested, 1 << 20, FsyncPolicy.ALWAYS, disk)) {
            assertThat(disk.events).contains("mkdir " + dir.resolve("a"), "mkdir " + nested,
                    "force-dir " + nested, "force-dir " + nested.getParent(), "force-dir " + dir.resolve("a"), "force-dir " + dir);
            assertThat(disk.events.indexOf("force-dir " + dir)).isGreaterThan(disk.events.indexOf("mkdir " + nested));
        }
    }

    @Test
    void aRollbackThatRemovesASegmentForcesTheDirectory() {
        try (FileStorageEngine engine = Engines.open(dir, 300, FsyncPolicy.ALWAYS, disk)) {
            Engines.appendTexts(engine, KEY, 0, 3);
            int start = disk.events.size();
            List<NewRecord> batch = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                batch.add(text("b" + i));
            }
            // the batch rolls into a new segment, then its group commit fails (its index write): rolled back
            disk.indexWritesBeforeFailing.set(0);
            assertThatThrownBy(() -> engine.append(KEY, batch)).isInstanceOf(StoreLogException.class);
            disk.indexWritesBeforeFailing.set(-1);
            Path partition = Engines.partitionDir(dir, KEY);
            int deleted = disk.events.subList(start, disk.events.size()).stream().filter(e -> e.startsWith("delete " + partition))
                    .map(e -> disk.events.lastIndexOf(e)).max(Integer::compare).orElseThrow();
            assertThat(disk.indexOf("force-dir " + partition, deleted)).as("directory forced after the deletions: %s", disk.events)
                    .isGreaterThan(deleted);
        }
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void leftoversRemovedWhenAPartitionOpensStayRemoved(boolean crashed) throws IOException {
        try (FileStorageEngine engine = Engines.open(dir)) {
            Engines.appendTexts(engine, KEY, 0, 3);
        }
        if (crashed) {
            Files.delete(dir.resolve(DataDirectory.CLEAN_MARKER));
        }
        Path partition = Engines.partitionDir(dir, KEY);
        Path orphan = SegmentName.indexFile(partition, 77);
        Files.write(orphan, new byte[16]);
        Path temporary = partition.resolve("segment_0.index" + FileReplacement.TEMPORARY_SUFFIX);
        Files.write(temporary, new byte[7]);
        try (FileStorageEngine engine = Engines.open(dir, 1 << 20, FsyncPolicy.ALWAYS, disk)) {
            assertThat(engine.read(KEY, 2).text()).isEqualTo("r2");
            assertThat(orphan).doesNotExist();
            assertThat(temporary).doesNotExist();
            int deleted = Math.max(disk.events.indexOf("delete " + orphan), disk.events.indexOf("delete " + temporary));
            assertThat(disk.indexOf("force-dir " + partition, deleted)).isGreaterThan(deleted);
        }
    }
}
