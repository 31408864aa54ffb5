package storelog.store.file;

import static storelog.store.file.Engines.key;
import static org.assertj.core.api.Assertions.assertThat;
import static storelog.store.file.Engines.text;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import storelog.api.PartitionKey;
import storelog.testkit.TestData;

/**
 * The background recovery of an unclean stop's partitions starts when the node serves
 * ({@link FileStorageEngine#serving()}), not at the open, where it competed with the node's start-up;
 * an engine nobody tells starts it after {@code STORE_RECOVERY_DELAY_MS}. Partitions used before are
 * recovered by their use, as ever.
 */
class BackgroundRecoveryTest {

    private static final int PARTITIONS = 60;
    /** A delay no test waits out: only {@code serving()} can start the recovery within a test. */
    private static final long AN_HOUR = 3_600_000;
    /** A frame cut short by the crash: its length promises more than follows. */
    private static final byte[] TORN = {0, 0, 0, 40, 7, 7};

    private Path dir;

    @BeforeEach
    void setUp(TestInfo test) {
        dir = TestData.directory(test);
    }

    /** {@value #PARTITIONS} partitions of one record each, then a crash (no clean-shutdown marker). */
    private Path crashed() throws IOException {
        Path data = dir.resolve("data");
        try (FileStorageEngine engine = Engines.open(data, 1 << 20, FsyncPolicy.NEVER)) {
            for (int i = 0; i < PARTITIONS; i++) {
                engine.append(key(i), List.of(text("p" + i)));
            }
        }
        Files.delete(data.resolve(DataDirectory.CLEAN_MARKER));
        return data;
    }

    private static FileStorageEngine open(Path data, Disk disk, long recoveryDelayMillis) {
        return FileStorageEngine.open(new StoreConfig(data, 1 << 20, FsyncPolicy.ALWAYS, 64, recoveryDelayMillis), disk);
    }

    private static long awaiting(FileStorageEngine engine) {
        return engine.metrics().get("partitions_awaiting_recovery");
    }

    private static List<String> markerLines(Path data) throws IOException {
        return Files.readAllLines(data.resolve(DataDirectory.CLEAN_MARKER));
    }

    private static Path activeStore(Path data, PartitionKey key) throws IOException {
        return Engines.storeFiles(data, key).getLast();
    }

    /** The partitions the clean-shutdown marker names as not recovered. */
    private static Set<String> named(Path data) throws IOException {
        return markerLines(data).stream().filter(l -> l.startsWith("recover ")).map(l -> l.substring("recover ".length()))
                .collect(Collectors.toSet());
    }

    private static void copy(Path from, Path to) throws IOException {
        try (Stream<Path> all = Files.walk(from)) {
            for (Path p : all.toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        }
    }

    /** The background recovery's threads now alive in this JVM (other tests' engines included). */
    private static Set<Thread> recoveryThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().startsWith("storelog-recovery-"))
                .collect(Collectors.toSet());
    }

    @Test
    void itDoesNotStartBeforeTheNodeServesAndRecoversEveryPartitionAfter() throws IOException {
        Path data = crashed();
        CountingDisk disk = new CountingDisk(data);
        try (FileStorageEngine engine = open(data, disk, AN_HOUR)) {
            assertThat(engine.read(key(3), 0).text()).as("the engine serves meanwhile").isEqualTo("p3");
            assertThat(engine.backgroundRecoveryStarted()).isFalse();
            assertThat(disk.statted).as("partitions looked at before the node serves: the one used")
                    .containsExactly(key(3).directoryIn(data));
            assertThat(awaiting(engine)).isEqualTo(PARTITIONS - 1);

            engine.serving();

            EpochChecks.await("the background recovery", () -> awaiting(engine) == 0);
            assertThat(engine.backgroundRecoveryStarted()).isTrue();
            engine.serving(); // a second word changes nothing
        }
        assertThat(markerLines(data)).as("all recovered: the marker names none").hasSize(2);
    }

    @ParameterizedTest
    @ValueSource(longs = {0, 200})
    void anEngineNobodyTellsStartsItAfterTheDelay(long delayMillis) throws IOException {
        Path data = crashed();
        try (LogCapture log = new LogCapture(BackgroundRecovery.class);
             FileStorageEngine engine = open(data, Disk.LOCAL, delayMillis)) {
            EpochChecks.await("the background recovery", () -> awaiting(engine) == 0);
            assertThat(engine.backgroundRecoveryStarted()).isTrue();
            assertThat(log.text()).contains("STORE_RECOVERY_DELAY_MS passed without word that the node serves");
        }
    }

    @Test
    void aCloseBeforeItStartedEndsAtOnceAndLeavesEveryPartitionToTheNextStart() throws Exception {
        Path data = crashed();
        Set<Thread> others = recoveryThreads(); // of engines other tests left, not this one's
        FileStorageEngine engine = open(data, Disk.LOCAL, AN_HOUR);
        assertThat(engine.read(key(0), 0).text()).isEqualTo("p0");
        try (ExecutorService closer = Executors.newSingleThreadExecutor()) {
            closer.submit(engine::close).get(30, TimeUnit.SECONDS); // not the hour of the delay
        }
        assertThat(engine.backgroundRecoveryStarted()).isFalse();
        // a pool's thread may outlive the awaitTermination that saw its task end by a moment: bounded wait
        org.awaitility.Awaitility.await("the waiting thread ended with the close").atMost(java.time.Duration.ofSeconds(10))
                .until(() -> others.containsAll(recoveryThreads()));
        engine.serving(); // after the close: nothing starts
        assertThat(engine.backgroundRecoveryStarted()).isFalse();
        List<String> lines = markerLines(data);
        assertThat(lines.subList(1, lines.size() - 1)).as("named: every partition but the one used")
                .hasSize(PARTITIONS - 1).doesNotContain("recover p0");

        try (FileStorageEngine again = open(data, Disk.LOCAL, AN_HOUR)) {
            assertThat(awaiting(again)).isEqualTo(PARTITIONS - 1);
            again.serving();
            EpochChecks.await("the background recovery of the next start", () -> awaiting(again) == 0);
        }
    }

    @Test
    void aCleanStartHasNothingToRecoverAndTheWordChangesNothing() throws IOException {
        Path data = crashed();
        try (FileStorageEngine engine = open(data, Disk.LOCAL, AN_HOUR)) {
            engine.partitions(); // recovers all: the close vouches for all
        }
        try (FileStorageEngine engine = open(data, Disk.LOCAL, 0)) {
            engine.serving();
            assertThat(engine.backgroundRecoveryStarted()).isFalse();
            assertThat(awaiting(engine)).isZero();
            assertThat(engine.read(key(PARTITIONS - 1), 0).text()).isEqualTo("p" + (PARTITIONS - 1));
        }
    }

    /**
     * Whatever point of the background recovery a close comes at (before its start, while it counts,
     * while it walks), the marker names exactly the partitions whose crash recovery did not run: each
     * one named still has its torn tail, each one not named lost it.
     */
    @Test
    void aCloseRacingTheStartNamesExactlyThePartitionsNotRecovered() throws Exception {
        Path pristine = crashed();
        Map<PartitionKey, Long> clean = new HashMap<>();
        for (int i = 0; i < PARTITIONS; i++) {
            Path store = activeStore(pristine, key(i));
            clean.put(key(i), Files.size(store));
            try (FileChannel channel = FileChannel.open(store, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
                channel.write(ByteBuffer.wrap(TORN));
            }
        }
        int rounds = 12;
        for (int round = 0; round < rounds; round++) {
            Path data = dir.resolve("round-" + round);
            copy(pristine, data);
            FileStorageEngine engine = open(data, Disk.LOCAL, round % 3 == 0 ? 0 : AN_HOUR);
            engine.read(key(round), 0); // one recovered by a use
            try (ExecutorService threads = Executors.newFixedThreadPool(2)) {
                Future<?> told = threads.submit(engine::serving);
                int waitFor = round * (PARTITIONS / rounds);
                if (round % 2 == 1) {
                    EpochChecks.await("some recovered", () -> engine.metrics().get("partitions_awaiting_recovery")
                            <= PARTITIONS - 1 - waitFor);
                }
                Future<?> closed = threads.submit(engine::close);
                told.get(30, TimeUnit.SECONDS);
                closed.get(30, TimeUnit.SECONDS);
            }
            Set<String> marker = named(data);
            List<String> wrong = new ArrayList<>();
            for (int i = 0; i < PARTITIONS; i++) {
                boolean torn = Files.size(activeStore(data, key(i))) > clean.get(key(i));
                if (torn != marker.contains("p" + i)) {
                    wrong.add("p" + i + (torn ? " not recovered, not named" : " recovered, named"));
                }
            }
            assertThat(wrong).as("round " + round + ": marker " + marker.size()).isEmpty();
            assertThat(marker).as("the partition used").doesNotContain("p" + round);
            try (FileStorageEngine again = FileStorageEngine.open(Engines.config(data, 1 << 20, FsyncPolicy.ALWAYS), Disk.LOCAL,
                    false)) {
                assertThat(again.metrics().get("partitions_awaiting_recovery")).isEqualTo(marker.size());
                for (int i = 0; i < PARTITIONS; i++) {
                    assertThat(again.read(key(i), 0, 10, 1 << 20)).extracting(r -> r.text()).containsExactly("p" + i);
                }
            }
        }
    }

    /**
     * A close that comes while the background recovery's first count walks {@code DATA_DIR} (a
     * {@code stat} per partition: seconds at 100,000) ends without waiting for the rest of that walk.
     */
    @Test
    void aCloseWhileTheFirstCountWalksDoesNotWaitForTheWholeWalk() throws Exception {
        Path data = crashed();
        long statMillis = 50; // a slow disk under the background recovery: its walks take at least 3 s
        AtomicBoolean slow = new AtomicBoolean();
        AtomicInteger stats = new AtomicInteger();
        Disk disk = new LocalDisk() {
            @Override
            public boolean directoryExists(Path d) throws IOException {
                if (slow.get() && Thread.currentThread().getName().startsWith("storelog-recovery-")) { // the walks of the close are not slowed
                    stats.incrementAndGet();
                    try {
                        Thread.sleep(statMillis);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                return super.directoryExists(d);
            }
        };
        FileStorageEngine engine = open(data, disk, AN_HOUR);
        slow.set(true);
        engine.serving();
        EpochChecks.await("the first count walks", () -> stats.get() >= 3);
        long start = System.nanoTime();
        engine.close();
        long closeMillis = (System.nanoTime() - start) / 1_000_000;
        assertThat(closeMillis).as("close took %d ms; the whole walk takes %d ms", closeMillis, PARTITIONS * statMillis)
                .isLessThan(PARTITIONS * statMillis / 3);
        assertThat(named(data)).hasSize(PARTITIONS);
    }
}
