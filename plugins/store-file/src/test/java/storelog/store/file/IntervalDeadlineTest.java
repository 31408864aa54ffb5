package storelog.store.file;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static storelog.store.file.Engines.KEY;
import static storelog.store.file.Engines.text;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import storelog.testkit.TestData;

/**
 * {@code FSYNC=interval:<ms>} promises that buffered appends are written and fsynced within {@code ms}.
 * The flusher's next pass for a partition is due one interval after its flush, not one interval after
 * that flush's fsync returned: an append made while a slow fsync runs (here 2 s, as long as the interval) used
 * to wait for the whole fsync plus a whole interval (4 s, where the promise is 2 s; the bound checked is
 * 3 s, a second of slack either way on a loaded machine), and so did each
 * later flush of a partition appended to all the time, its crash window growing by every fsync's length.
 */
class IntervalDeadlineTest {

    private static final long INTERVAL_MILLIS = 2000;
    private static final long FSYNC_MILLIS = 2000;

    @Test
    void anAppendDuringASlowFsyncIsWrittenAndForcedWithinTheInterval(TestInfo test) throws Exception {
        Path data = TestData.directory(test);
        Faults disk = new Faults();
        try (FileStorageEngine engine = Engines.open(data, 1 << 20, FsyncPolicy.parse("interval:" + INTERVAL_MILLIS), disk)) {
            engine.append(KEY, List.of(text("first")));
            disk.storeForceGate.arm();
            disk.storeForceGate.awaitBlocked(); // the flusher wrote "first" and its fsync now takes a while
            long flushed = Engines.storedBytes(data, KEY);
            int forces = disk.storeForces.get();

            long appended = System.nanoTime();
            engine.append(KEY, List.of(text("second, appended during the fsync")));
            Thread.sleep(FSYNC_MILLIS);
            disk.storeForceGate.release();

            await("the second append written and forced").atMost(Duration.ofSeconds(30))
                    .until(() -> Engines.storedBytes(data, KEY) > flushed && disk.storeForces.get() > forces + 1);
            long waitedMillis = (System.nanoTime() - appended) / 1_000_000;
            assertThat(waitedMillis).as("ms from the append to its fsync, with interval:%d", INTERVAL_MILLIS)
                    .isLessThan(INTERVAL_MILLIS + 1000);
        }
    }
}
