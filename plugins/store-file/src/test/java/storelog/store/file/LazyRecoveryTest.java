package storelog.store.file;

import static storelog.store.file.Engines.key;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static storelog.store.file.Engines.text;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import storelog.api.CorruptRecordException;
import storelog.api.PartitionInfo;
import storelog.api.PartitionKey;
import storelog.api.Record;
import storelog.testkit.TestData;

/**
 * Crash recovery is lazy: after an unclean stop the engine opens without reading any partition's
 * files, recovers a partition when it is first touched (each kind of touch) and the rest in the
 * background, and a clean close that comes before some were recovered leaves them to the next start.
 *
 * <p>The damage used to tell a crash recovery from a clean start's cheap check: the store of a
 * partition of five records cut inside its last frame. Recovered as after a crash, that frame was a
 * write cut short and the partition ends at offset 4; taken as cleanly closed, the index vouches for
 * it and the partition ends at 5 with a corrupt record 4 ({@link CrashShapesTest}).
 */
class LazyRecoveryTest {

    private static final int PARTITIONS = 300;
    private static final int RECORDS = 5;

    private Path dir;

    @BeforeEach
    void setUp(TestInfo test) {
        dir = TestData.directory(test);
    }

    /** {@value #PARTITIONS} partitions of {@value #RECORDS} records each, closed cleanly. */
    private Path data(String name) {
        Path data = dir.resolve(name);
        try (FileStorageEngine engine = Engines.open(data, 1 << 20, FsyncPolicy.NEVER)) {
            for (int i = 0; i < PARTITIONS; i++) {
                for (int r = 0; r < RECORDS; r++) {
                    engine.append(key(i), List.of(text("p" + i + "-r" + r)));
                }
            }
        }
        return data;
    }

    private static void crash(Path data) throws IOException {
        Files.delete(data.resolve(DataDirectory.CLEAN_MARKER));
    }

    /** Cuts partition {@code key}'s only store inside its last frame. */
    private static void cutLastFrame(Path data, PartitionKey key) throws IOException {
        Path store = SegmentName.storeFile(key.directoryIn(data), 0);
        try (FileChannel channel = FileChannel.open(store, StandardOpenOption.WRITE)) {
            channel.truncate(channel.size() - 3);
        }
    }

    private static FileStorageEngine open(Path data, Disk disk, boolean background) {
        return FileStorageEngine.open(new StoreConfig(data, 1 << 20, FsyncPolicy.ALWAYS, 64), disk, background);
    }

    private static long awaiting(FileStorageEngine engine) {
        return engine.metrics().get("partitions_awaiting_recovery");
    }

    /** A local disk that records every path below the data directory the engine opens, sizes, lists or forces. */
    private static final class Touches extends LocalDisk {
        final List<Path> touched = Collections.synchronizedList(new ArrayList<>());

        @Override
        public FileChannel open(Path file, OpenOption... options) throws IOException {
            touched.add(file);
            return super.open(file, options);
        }

        @Override
        public long size(Path file) throws IOException {
            touched.add(file);
            return super.size(file);
        }

        @Override
        public List<Path> list(Path d) throws IOException {
            touched.add(d);
            return super.list(d);
        }

        @Override
        public void forceDirectory(Path d) throws IOException {
            touched.add(d);
            super.forceDirectory(d);
        }

        /** The partition directories touched (a path inside one counts for it). */
        List<Path> partitionsTouched(Path data) {
            synchronized (touched) {
                return touched.stream().filter(p -> p.startsWith(data) && !p.equals(data) && !data.relativize(p).toString().startsWith("."))
                        .map(p -> data.resolve(data.relativize(p).getName(0))).distinct().toList();
            }
        }
    }

    @Test
    void afterACrashTheEngineOpensWithoutTouchingAnyPartitionAndAFirstReadRecoversExactlyThatOne() throws IOException {
        Path data = data("data");
        crash(data);
        cutLastFrame(data, key(7));
        Touches disk = new Touches();
        try (FileStorageEngine engine = open(data, disk, false)) {
            assertThat(disk.partitionsTouched(data)).as("partition files touched while opening").isEmpty();
            assertThat(awaiting(engine)).isEqualTo(PARTITIONS);
            assertThat(engine.metrics().get("partitions")).isEqualTo(PARTITIONS);

            assertThat(engine.read(key(7), 0, 10, Long.MAX_VALUE)).extracting(Record::text)
                    .containsExactly("p7-r0", "p7-r1", "p7-r2", "p7-r3");
            assertThat(disk.partitionsTouched(data)).containsExactly(key(7).directoryIn(data));
            assertThat(awaiting(engine)).isEqualTo(PARTITIONS - 1);
            assertThat(engine.info(key(7)).orElseThrow().nextOffset()).as("recovered as after a crash").isEqualTo(4);
        }
    }

    @Test
    void aLazilyRecoveredPartitionAnswersExactlyAsTheEagerRecoveryOfAll() throws IOException {
        Path data = data("data");
        crash(data);
        cutLastFrame(data, key(3));
        Path copy = EpochChecks.crashCopy(data, dir.resolve("copy"));
        try (FileStorageEngine lazy = open(data, Disk.LOCAL, false);
             FileStorageEngine eager = open(copy, Disk.LOCAL, false)) {
            List<PartitionInfo> all = eager.partitions(); // recovers every partition, as the open did before
            assertThat(awaiting(eager)).isZero();
            for (int i : new int[] {3, 0, PARTITIONS - 1}) {
                assertThat(lazy.read(key(i), 0, 100, Long.MAX_VALUE)).as("p" + i)
                        .isEqualTo(eager.read(key(i), 0, 100, Long.MAX_VALUE));
                assertThat(lazy.info(key(i))).isEqualTo(eager.info(key(i)));
                assertThat(lazy.epochs(key(i))).isEqualTo(eager.epochs(key(i)));
            }
            assertThat(awaiting(lazy)).isEqualTo(PARTITIONS - 3);
            assertThat(lazy.partitions()).isEqualTo(all);
            assertThat(awaiting(lazy)).isZero();
            assertThat(lazy.append(key(3), List.of(text("next")))).isEqualTo(eager.append(key(3), List.of(text("next")))).isEqualTo(4);
        }
    }

    /** Each way a caller can touch a partition first. */
    enum Touch {
        READ(e -> e.read(key(1), 0)),
        RANGE(e -> e.read(key(1), 0, 10, Long.MAX_VALUE)),
        INFO(e -> e.info(key(1))),
        APPEND(e -> e.append(key(1), List.of(text("appended")))),
        APPEND_AT(e -> assertThatThrownBy(() -> e.appendAt(key(1), 5, List.of(text("at 5")))).hasMessageContaining("4")),
        TRUNCATE(e -> assertThatThrownBy(() -> e.truncate(key(1), 5)).hasMessageContaining("0 to 3")),
        EPOCHS(e -> e.epochs(key(1))),
        LISTING(FileStorageEngine::partitions);

        final Consumer<FileStorageEngine> first;

        Touch(Consumer<FileStorageEngine> first) {
            this.first = first;
        }
    }

    @ParameterizedTest
    @EnumSource(Touch.class)
    void everyFirstTouchRecoversThePartitionBeforeAnswering(Touch touch) throws IOException {
        Path data = dir.resolve("data");
        try (FileStorageEngine engine = Engines.open(data, 1 << 20, FsyncPolicy.NEVER)) {
            Engines.appendTexts(engine, key(1), 0, RECORDS);
            Engines.appendTexts(engine, key(2), 0, RECORDS);
        }
        crash(data);
        cutLastFrame(data, key(1));
        try (FileStorageEngine engine = open(data, Disk.LOCAL, false)) {
            touch.first.accept(engine);
            assertThat(engine.read(key(1), 0, 10, Long.MAX_VALUE)).extracting(Record::text).startsWith("r0", "r1", "r2", "r3")
                    .doesNotContain("r4");
            long next = engine.info(key(1)).orElseThrow().nextOffset();
            assertThat(next).isEqualTo(touch == Touch.APPEND ? 5 : 4);
        }
    }

    @Test
    void theBackgroundRecoversEveryPartitionNobodyTouches() throws IOException {
        Path data = data("data");
        crash(data);
        cutLastFrame(data, key(11));
        try (FileStorageEngine engine = open(data, Disk.LOCAL, true)) {
            engine.serving();
            EpochChecks.await("the background recovery", () -> awaiting(engine) == 0);
            assertThat(engine.metrics().get("failed_partitions")).isZero();
            assertThat(engine.info(key(11)).orElseThrow().nextOffset()).isEqualTo(4);
        }
        assertThat(markerLines(data)).as("all recovered: the marker names none").hasSize(1);
        assertThat(Thread.getAllStackTraces().keySet()).extracting(Thread::getName)
                .noneMatch(n -> n.startsWith("storelog-recovery-"));
    }

    @Test
    void aCleanCloseBeforeRecoveryEndedLeavesTheRestToTheNextStart() throws IOException {
        Path data = data("data");
        crash(data);
        try (FileStorageEngine engine = open(data, Disk.LOCAL, false)) {
            assertThat(engine.read(key(5), 0).text()).isEqualTo("p5-r0");
        }
        assertThat(markerLines(data)).as("the marker names the unrecovered partitions").hasSize(PARTITIONS);
        // damage after the clean close: found as a crash's in an unrecovered partition, as damage of a
        // cleanly closed log in the recovered one
        cutLastFrame(data, key(6));
        cutLastFrame(data, key(5));
        try (FileStorageEngine engine = open(data, Disk.LOCAL, false)) {
            assertThat(awaiting(engine)).isEqualTo(PARTITIONS - 1);
            assertThat(engine.info(key(6)).orElseThrow().nextOffset()).as("never recovered: recovered now").isEqualTo(4);
            assertThat(engine.info(key(5)).orElseThrow().nextOffset()).as("recovered and closed cleanly").isEqualTo(5);
            assertThatThrownBy(() -> engine.read(key(5), 4)).isInstanceOf(CorruptRecordException.class);
        }
        assertThat(markerLines(data)).hasSize(PARTITIONS - 1);
    }

    @Test
    void aCloseWhileTheBackgroundRecoversNamesExactlyThePartitionsItDidNotReach() throws IOException {
        Path data = data("data");
        crash(data);
        FileStorageEngine engine = open(data, Disk.LOCAL, true);
        engine.serving();
        engine.close(); // at once: the background has recovered few or none
        List<String> named = markerLines(data).subList(1, markerLines(data).size());
        assertThat(Thread.getAllStackTraces().keySet()).extracting(Thread::getName)
                .noneMatch(n -> n.startsWith("storelog-recovery-"));
        for (String line : named) {
            cutLastFrame(data, PartitionKey.of(line.substring("recover ".length())));
        }
        try (FileStorageEngine again = open(data, Disk.LOCAL, false)) {
            assertThat(awaiting(again)).isEqualTo(named.size());
            Map<PartitionKey, Long> ends = new java.util.HashMap<>();
            again.partitions().forEach(p -> ends.put(p.partition(), p.nextOffset()));
            assertThat(ends).hasSize(PARTITIONS);
            for (int i = 0; i < PARTITIONS; i++) {
                boolean wasNamed = named.contains("recover p" + i);
                assertThat(ends.get(key(i))).as("p" + i + (wasNamed ? " (named)" : "")).isEqualTo(wasNamed ? 4L : 5L);
            }
        }
    }

    @Test
    void aPartitionWhoseRecoveryFailsFailsAloneAndIsTriedAgain() throws IOException {
        Path data = data("data");
        crash(data);
        Path broken = key(9).directoryIn(data);
        java.util.concurrent.atomic.AtomicBoolean failing = new java.util.concurrent.atomic.AtomicBoolean(true);
        Disk disk = new LocalDisk() {
            @Override
            public List<Path> list(Path d) throws IOException {
                if (failing.get() && d.equals(broken)) {
                    throw new IOException("injected: cannot list " + d);
                }
                return super.list(d);
            }
        };
        try (FileStorageEngine engine = open(data, disk, true)) {
            engine.serving();
            EpochChecks.await("the background recovery", () -> awaiting(engine) == 1);
            assertThat(engine.metrics().get("failed_partitions")).isEqualTo(1);
            assertThatThrownBy(() -> engine.read(key(9), 0)).isInstanceOf(storelog.api.StorageFailedException.class)
                    .hasMessageContaining("injected");
            assertThat(engine.read(key(8), 0).text()).isEqualTo("p8-r0");
            failing.set(false);
            assertThat(engine.read(key(9), 0).text()).as("the next use tries again").isEqualTo("p9-r0");
            assertThat(engine.metrics().get("failed_partitions")).isZero();
            assertThat(awaiting(engine)).isZero();
        }
    }

    @Test
    void aPartitionWhoseRecoveryFsyncFailedStaysFailedUntilARestart() throws IOException {
        Path data = data("data");
        crash(data);
        Faults disk = new Faults();
        try (FileStorageEngine engine = open(data, disk, false)) {
            disk.failForce = true;
            assertThatThrownBy(() -> engine.read(key(4), 0)).isInstanceOf(storelog.api.StorageFailedException.class);
            disk.failForce = false;
            assertThatThrownBy(() -> engine.read(key(4), 0)).as("never retried into success")
                    .isInstanceOf(storelog.api.StorageFailedException.class);
            assertThat(engine.read(key(3), 0).text()).isEqualTo("p3-r0");
            assertThat(engine.metrics().get("failed_partitions")).isEqualTo(1);
        }
        try (FileStorageEngine engine = open(data, Disk.LOCAL, false)) {
            assertThat(engine.read(key(4), 0).text()).as("recovered after the restart").isEqualTo("p4-r0");
        }
    }

    /** The marker's lines but its last, which must be "end" (a marker without it is not believed). */
    private static List<String> markerLines(Path data) throws IOException {
        List<String> lines = Files.readAllLines(data.resolve(DataDirectory.CLEAN_MARKER));
        assertThat(lines).last().isEqualTo("end");
        return lines.subList(0, lines.size() - 1);
    }
}
