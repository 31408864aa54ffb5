package storelog.store.file;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static storelog.store.file.Engines.KEY;
import static storelog.store.file.Engines.text;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import storelog.testkit.TestData;

/**
 * Under {@code FSYNC=interval} a background fsync that finds no descriptor is tried again by one pass
 * of the flusher: the pass queued at the flush is that retry, none is queued beside it. (Each failed
 * pass queued two, so during a descriptor shortage a partition's passes doubled about every delay,
 * without one append, until the flusher's queue exhausted the heap.)
 */
class IntervalFsyncRetryTest {

    private static final int SHORTAGE = 1_000_000;

    @Test
    void aDescriptorShortageAtTheBackgroundFsyncKeepsOnePassQueued(TestInfo test) {
        Faults disk = new Faults();
        StoreConfig config = new StoreConfig(TestData.directory(test), 1 << 20, FsyncPolicy.parse("interval:1"), 4); // no sync descriptor kept
        try (FileStorageEngine engine = FileStorageEngine.open(config, disk)) {
            engine.append(KEY, List.of(text("first")));
            disk.syncOpenShortages.set(SHORTAGE); // the flushes go on; the fsyncs find no descriptor
            engine.append(KEY, List.of(text("to be forced")));
            try {
                await("fsyncs that found no descriptor").atMost(Duration.ofSeconds(30))
                        .until(() -> disk.syncOpenShortages.get() <= SHORTAGE - 5);
                assertThat(engine.flusher().queued()).as("passes queued for the one partition").isLessThanOrEqualTo(1);
            } finally {
                disk.syncOpenShortages.set(0);
            }
            int forced = disk.storeForces.get(); // none ran during the shortage
            await("the fsync once descriptors are back").atMost(Duration.ofSeconds(30))
                    .until(() -> disk.storeForces.get() > forced);
        }
    }
}
