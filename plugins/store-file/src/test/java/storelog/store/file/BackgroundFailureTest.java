package storelog.store.file;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static storelog.store.file.Engines.KEY;
import static storelog.store.file.Engines.text;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import storelog.api.StorageFailedException;
import storelog.testkit.TestData;

/**
 * A background write or fsync that fails under {@code FSYNC=interval|never}: every record appended
 * before it was already acknowledged, so the partition fails closed keeping them all — readable now,
 * present after a restart — and says so (the next append, the {@code failed_partitions} metric).
 */
class BackgroundFailureTest {

    private Path dir;
    private final Faults faults = new Faults();

    @BeforeEach
    void setUp(TestInfo test) {
        dir = TestData.directory(test);
    }

    /** fsync: interval's flush fails to force; write: the flush's write fails (both modes). */
    @ParameterizedTest
    @ValueSource(strings = {"interval:5 fsync", "interval:5 write", "never write", "never seal", "interval:5 seal"})
    void aFailedBackgroundFlushKeepsEveryAcknowledgedRecordAndFailsThePartitionClosed(String shape) throws Exception {
        String[] parts = shape.split(" ");
        FsyncPolicy fsync = FsyncPolicy.parse(parts[0]);
        int acknowledged = 20;
        try (FileStorageEngine engine = Engines.open(dir, 128, fsync, faults)) {
            Engines.appendTexts(engine, KEY, 0, 20); // several segments, some flushed, some forced
            awaitFlushed(engine);
            switch (parts[1]) {
                case "fsync" -> faults.failForce = true;
                case "write" -> faults.failStoreWrites.set(1_000);
                default -> faults.failForce = true; // seal: the fsync of a rolled segment fails
            }
            try { // acknowledged at once, until a roll meets the fault itself (that append is not acknowledged)
                for (int i = 20; i < 40; i++) {
                    engine.append(KEY, List.of(text("r" + i)));
                    acknowledged++;
                }
            } catch (StorageFailedException refused) {
                // the partition failed closed in the appender's own roll
            }
            awaitFailedClosed(engine);
            assertThatThrownBy(() -> engine.append(KEY, List.of(text("after")))).isInstanceOf(StorageFailedException.class);
            faults.failForce = false;
            faults.failStoreWrites.set(0);
            assertThat(engine.info(KEY).orElseThrow().nextOffset()).isEqualTo(acknowledged);
            for (int i = 0; i < acknowledged; i++) {
                assertThat(engine.read(KEY, i).text()).as("acknowledged record %d", i).isEqualTo("r" + i);
            }
        }
        try (FileStorageEngine engine = Engines.open(dir, 128, fsync)) {
            assertThat(engine.info(KEY).orElseThrow().nextOffset()).as("nothing acknowledged was cut").isEqualTo(acknowledged);
            for (int i = 0; i < acknowledged; i++) {
                assertThat(engine.read(KEY, i).text()).isEqualTo("r" + i);
            }
            assertThat(engine.append(KEY, List.of(text("next")))).isEqualTo(acknowledged);
        }
    }

    /** A failed write keeps the acknowledged records buffered; a close writes them if it can, so a restart finds them. */
    @ParameterizedTest
    @ValueSource(strings = {"never", "interval:5"})
    void acknowledgedRecordsStillBufferedWhenThePartitionFailedAreWrittenAtClose(String mode) throws Exception {
        FsyncPolicy fsync = FsyncPolicy.parse(mode);
        try (FileStorageEngine engine = Engines.open(dir, 1 << 20, fsync, faults)) {
            Engines.appendTexts(engine, KEY, 0, 5);
            faults.failStoreWrites.set(1);
            Engines.appendTexts(engine, KEY, 5, 5); // acknowledged; the flusher's write of them fails once
            awaitFailedClosed(engine);
        }
        try (FileStorageEngine engine = Engines.open(dir, 1 << 20, fsync)) {
            assertThat(engine.info(KEY).orElseThrow().nextOffset()).isEqualTo(10);
            assertThat(engine.read(KEY, 9).text()).isEqualTo("r9");
        }
    }

    /**
     * A reader's flush of buffered records (under {@code never}) that wrote part of them and could not
     * undo it leaves the file's tail unknown: the partition fails closed (keeping every record), as any
     * other write that cannot be undone does — it does not go on taking appends.
     */
    @org.junit.jupiter.api.Test
    void aReadersFlushThatCannotBeUndoneFailsThePartitionClosed() {
        try (FileStorageEngine engine = Engines.open(dir, 1 << 20, FsyncPolicy.parse("interval:60000"), faults)) {
            Engines.appendTexts(engine, KEY, 0, 5); // buffered: the flusher waits a minute
            faults.diskFull = true; // half the bytes are written, then ENOSPC ...
            faults.failTruncates.set(1); // ... and cutting them off again fails
            assertThatThrownBy(() -> engine.read(KEY, 0)).isInstanceOf(storelog.api.StoreLogException.class);
            faults.diskFull = false;
            assertThat(engine.metrics().get("failed_partitions")).isEqualTo(1);
            assertThatThrownBy(() -> engine.append(KEY, List.of(text("refused")))).isInstanceOf(StorageFailedException.class);
            assertThat(engine.read(KEY, 4).text()).isEqualTo("r4");
        }
        try (FileStorageEngine engine = Engines.open(dir, 1 << 20, FsyncPolicy.parse("interval:60000"))) {
            assertThat(engine.info(KEY).orElseThrow().nextOffset()).isEqualTo(5);
            assertThat(engine.read(KEY, 4).text()).isEqualTo("r4");
        }
    }

    private static void awaitFailedClosed(FileStorageEngine engine) {
        await("the partition fails closed").atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(5))
                .until(() -> engine.metrics().get("failed_partitions") > 0);
    }

    /** Waits until the background flusher wrote what was appended (nothing left in buffers to lose to the fault). */
    private static void awaitFlushed(FileStorageEngine engine) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (engine.openFiles() > 0 && System.nanoTime() < deadline && !flushed(engine)) {
            Thread.sleep(5);
        }
    }

    private static boolean flushed(FileStorageEngine engine) {
        return engine.metrics().get("fsyncs_total") > 0;
    }
}
