package storelog.store.file;

import static storelog.store.file.Engines.key;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static storelog.store.file.Engines.text;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import storelog.api.PartitionKey;
import storelog.api.StorageFullException;
import storelog.testkit.TestData;

/**
 * {@code /metrics}' {@code partitions} (partition directories in {@code DATA_DIR}) and
 * {@code partitions_awaiting_recovery} walk {@code DATA_DIR} once, then follow the partitions made and
 * recovered ({@link PartitionCount}), and stay what a walk of {@code DATA_DIR} would say: across
 * creations (also while the first count walks), a restart and a crash.
 */
class PartitionCountTest {

    private Path dir;

    @BeforeEach
    void setUp(TestInfo test) {
        dir = TestData.directory(test);
    }

    private static long metric(FileStorageEngine engine, String name) {
        return engine.metrics().get(name);
    }

    private static FileStorageEngine open(Path data, Disk disk, FsyncPolicy fsync) {
        return FileStorageEngine.open(Engines.config(data, 1 << 20, fsync), disk, false);
    }

    /** What the metric meant when it walked {@code DATA_DIR} at every call. */
    private static long walked(Path data) throws IOException {
        return PartitionWalk.keys(Disk.LOCAL, data).size();
    }

    @Test
    void theCountFollowsCreationsARestartAndACrashWithOneWalkPerStart() throws IOException {
        Path data = dir.resolve("data");
        // two keys long enough for nested directories, sharing their first level
        PartitionKey longOne = PartitionKey.of("k".repeat(230) + "1");
        PartitionKey longTwo = PartitionKey.of("k".repeat(230) + "2");
        CountingDisk disk = new CountingDisk(data);
        try (FileStorageEngine engine = open(data, disk, FsyncPolicy.ALWAYS)) {
            assertThat(metric(engine, "partitions")).isZero();
            int walk = disk.rootEntries.get();
            engine.append(key(0), List.of(text("a")));
            assertThat(metric(engine, "partitions")).isEqualTo(1);
            engine.append(key(1), 3, List.of(text("epoch 3"))); // its epoch history makes the directory first
            assertThat(metric(engine, "partitions")).isEqualTo(2);
            engine.append(longOne, List.of(text("long")));
            engine.append(longTwo, List.of(text("long too")));
            engine.append(key(0), List.of(text("b")));
            assertThat(metric(engine, "partitions")).isEqualTo(4).isEqualTo(walked(data));
            assertThat(metric(engine, "partitions_awaiting_recovery")).isZero();
            assertThat(disk.rootEntries.get()).as("DATA_DIR walked by the first call only").isEqualTo(walk);
        }

        CountingDisk restart = new CountingDisk(data);
        try (FileStorageEngine engine = open(data, restart, FsyncPolicy.ALWAYS)) {
            assertThat(metric(engine, "partitions")).as("counted by a walk at the first call").isEqualTo(4);
            int walk = restart.rootEntries.get();
            engine.append(key(2), List.of(text("new after a restart")));
            engine.append(key(1), List.of(text("old")));
            assertThat(metric(engine, "partitions")).isEqualTo(5).isEqualTo(walked(data));
            assertThat(metric(engine, "partitions_awaiting_recovery")).isZero();
            assertThat(restart.rootEntries.get()).isEqualTo(walk);
        }

        Files.delete(data.resolve(DataDirectory.CLEAN_MARKER)); // a crash: every partition awaits recovery
        CountingDisk crash = new CountingDisk(data);
        try (FileStorageEngine engine = open(data, crash, FsyncPolicy.ALWAYS)) {
            assertThat(metric(engine, "partitions")).isEqualTo(5);
            assertThat(metric(engine, "partitions_awaiting_recovery")).isEqualTo(5);
            int walk = crash.rootEntries.get();
            engine.read(key(0), 0);
            assertThat(metric(engine, "partitions_awaiting_recovery")).as("recovered by its first read").isEqualTo(4);
            engine.append(key(3), List.of(text("new after a crash")));
            engine.append(longOne, List.of(text("recovered by this append")));
            assertThat(metric(engine, "partitions")).isEqualTo(6).isEqualTo(walked(data));
            assertThat(metric(engine, "partitions_awaiting_recovery")).isEqualTo(3);
            assertThat(crash.rootEntries.get()).isEqualTo(walk);
            engine.partitions(); // recovers every one
            assertThat(metric(engine, "partitions_awaiting_recovery")).isZero();
            assertThat(metric(engine, "partitions")).isEqualTo(6);
        }
    }

    @Test
    void aDirectoryLeftByAFailedFirstAppendIsCountedAsAWalkCountsIt() throws IOException {
        Path data = dir.resolve("data");
        Faults disk = new Faults();
        try (FileStorageEngine engine = open(data, disk, FsyncPolicy.ALWAYS)) {
            assertThat(metric(engine, "partitions")).isZero();
            disk.failCreating = ".store"; // the new partition's directory is made, its first segment is not
            assertThatThrownBy(() -> engine.append(key(0), List.of(text("never stored")))).isInstanceOf(StorageFullException.class);
            disk.failCreating = null;
            assertThat(engine.info(key(0))).as("no partition for readers").isEmpty();
            assertThat(metric(engine, "partitions")).as("a directory for a walk").isEqualTo(walked(data)).isEqualTo(1);
            engine.append(key(0), List.of(text("stored")));
            assertThat(metric(engine, "partitions")).isEqualTo(1);
        }
    }

    @Test
    void partitionsMadeAndRecoveredWhileTheFirstCountWalksAreCountedExactly() throws Exception {
        int found = 1_000;
        int perThread = 300;
        int reads = 40; // each a crash recovery, with its fsyncs
        Path data = dir.resolve("data");
        try (FileStorageEngine engine = Engines.open(data, 1 << 20, FsyncPolicy.NEVER)) {
            for (int i = 0; i < found; i++) {
                engine.append(key(i), List.of(text("old")));
            }
        }
        Files.delete(data.resolve(DataDirectory.CLEAN_MARKER));
        Set<PartitionKey> read = ConcurrentHashMap.newKeySet();
        AtomicInteger made = new AtomicInteger();
        AtomicInteger next = new AtomicInteger(found);
        try (FileStorageEngine engine = open(data, Disk.LOCAL, FsyncPolicy.NEVER)) {
            List<Future<?>> workers = new ArrayList<>();
            long first;
            try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
                for (int t = 0; t < 2; t++) {
                    workers.add(threads.submit(() -> {
                        for (int i = 0; i < perThread; i++) {
                            engine.append(key(next.getAndIncrement()), List.of(text("new")));
                            made.incrementAndGet();
                        }
                        return null;
                    }));
                    workers.add(threads.submit(() -> {
                        for (int i = 0; i < reads; i++) {
                            PartitionKey old = key(ThreadLocalRandom.current().nextInt(found));
                            engine.read(old, 0);
                            read.add(old);
                        }
                        return null;
                    }));
                }
                EpochChecks.await("partitions made and recovered", () -> made.get() >= 20 && read.size() >= 5);
                first = metric(engine, "partitions"); // the first call: it walks while the others go on
                for (Future<?> worker : workers) {
                    worker.get(60, TimeUnit.SECONDS);
                }
            }
            assertThat(first).isBetween((long) found + 20, (long) found + 2 * perThread);
            assertThat(metric(engine, "partitions")).isEqualTo(found + 2L * perThread).isEqualTo(walked(data));
            assertThat(metric(engine, "partitions_awaiting_recovery")).isEqualTo(found - read.size());
        }
    }

    /**
     * After a crash, with the first count made before anything else: recoveries by reads, by a
     * truncation, by an internal partition's append, a failed first append's directory and new
     * partitions give what a walk gives, in this run and the next.
     */
    @Test
    void theKeptCountsStayWhatAWalkSaysAfterACrash() throws IOException {
        Path data = dir.resolve("data");
        PartitionKey gaps = PartitionKey.of("__gaps");
        PartitionKey longKey = PartitionKey.of("x".repeat(240));
        List<PartitionKey> old = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            old.add(key(i));
        }
        old.add(gaps);
        old.add(longKey);
        try (FileStorageEngine engine = Engines.open(data, 256, FsyncPolicy.ALWAYS)) {
            for (PartitionKey k : old) {
                for (int r = 0; r < 6; r++) { // several segments of 256 bytes
                    engine.append(k, List.of(text(k.value().substring(0, Math.min(8, k.value().length())) + " record " + r)));
                }
            }
        }
        Files.delete(data.resolve(DataDirectory.CLEAN_MARKER));
        Faults disk = new Faults();
        try (FileStorageEngine engine = FileStorageEngine.open(Engines.config(data, 256, FsyncPolicy.ALWAYS), disk, false)) {
            assertThat(engine.metrics()).containsEntry("partitions", 12L).containsEntry("partitions_awaiting_recovery", 12L);
            engine.read(key(0), 0);
            engine.truncate(key(1), 2);
            engine.truncate(key(2), 0);
            engine.append(gaps, List.of(text("gap")));
            engine.epochs(key(3));
            engine.info(longKey);
            disk.failCreating = ".store";
            assertThatThrownBy(() -> engine.append(PartitionKey.of("failed-first"), List.of(text("never"))))
                    .isInstanceOf(StorageFullException.class);
            disk.failCreating = null;
            engine.append(PartitionKey.of("__new"), List.of(text("new internal")));
            assertThat(engine.metrics()).containsEntry("partitions", walked(data))
                    .containsEntry("partitions", 14L).containsEntry("partitions_awaiting_recovery", 6L);
        }
        Files.delete(data.resolve(DataDirectory.CLEAN_MARKER)); // a second crash
        try (FileStorageEngine engine = FileStorageEngine.open(Engines.config(data, 256, FsyncPolicy.ALWAYS), Disk.LOCAL, false)) {
            assertThat(engine.metrics()).containsEntry("partitions", 14L).containsEntry("partitions_awaiting_recovery", 14L);
            engine.read(key(0), 0);
            assertThat(engine.metrics()).containsEntry("partitions_awaiting_recovery", 13L);
            engine.partitions(); // recovers every one, the failed first append's directory too
            assertThat(engine.metrics()).containsEntry("partitions", 14L).containsEntry("partitions_awaiting_recovery", 0L);
        }
    }
}
