package storelog.store.file;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import storelog.api.PartitionKey;
import storelog.api.Record;

/**
 * A restart under {@code FSYNC=always} after a process crash of a run under {@code never} (review of
 * the recovery under {@code always}, which trusts sealed segments: "each was forced when it was
 * sealed"). Under {@code never} a sealed segment is forced by the flusher, later; the crash may come
 * first. The next run, under {@code always}, then serves that segment's records from the page cache
 * and acknowledges appends after them, yet never forces it: a power cut in that run can take back
 * records it served, below records it acknowledged as durable. Fixed: a run under {@code never} or
 * {@code interval} leaves {@code .unforced-rolls} in DATA_DIR until a clean close that forced every
 * partition, and recovery after a crash then checks and forces the newest sealed segments whatever the
 * current policy.
 */
class PolicyChangePowerCutTest {

    private static final PartitionKey KEY = PartitionKey.of("changed");
    private static final long MAX_FILE_SIZE = 600;
    private static final int DRAWS = 300;

    @RegisterExtension
    final QuietLogs quiet = new QuietLogs("storelog.store.file");

    private static FileStorageEngine open(PowerCutDisk disk, FsyncPolicy fsync) {
        return Engines.openForeground(disk, MAX_FILE_SIZE, fsync);
    }

    @Test
    void whatARunUnderAlwaysServedOfARunUnderNeverSurvivesAPowerCutInThatRun() {
        PowerCutDisk disk = new PowerCutDisk(PowerLossExplorer.ROOT);
        AtomicBoolean firstRun = new AtomicBoolean(true);
        // the crash of run 1 comes before its flusher forced the sealed segment: no file fsync of run 1 happens
        disk.onOperation((n, what) -> {
            if (firstRun.get() && what.startsWith("force ")) {
                throw new IllegalStateException("run 1 crashed before this fsync: " + what);
            }
            // after the crash nothing of run 1 runs: its flusher (the only thread of run 1 still alive in
            // this test; run 2, under always, has none) must not write into run 2's files
            if (!firstRun.get() && Thread.currentThread().getName().startsWith("storelog-flusher-")) {
                throw new IllegalStateException("run 1 crashed: its flusher is gone: " + what);
            }
        });
        FileStorageEngine first = open(disk, FsyncPolicy.NEVER);
        first.append(KEY, List.of(Engines.sized(0, 200), Engines.sized(1, 200))); // segment 0, nearly full
        first.append(KEY, List.of(Engines.sized(2, 200))); // rolls: segment 0 sealed (flushed, fsync queued)
        firstRun.set(false); // a process crash: run 1 is abandoned, its page cache kept

        FileStorageEngine second = open(disk, FsyncPolicy.ALWAYS);
        List<String> served = Engines.texts(second, KEY);
        assertThat(served).as("run 2 serves run 1's records from the page cache").hasSizeGreaterThanOrEqualTo(2);
        second.append(KEY, List.of(Engines.text("acknowledged under always")));
        List<String> expected = new ArrayList<>(served);
        expected.add("acknowledged under always");

        Random random = new Random(11);
        for (int draw = 0; draw < DRAWS; draw++) {
            PowerCutDisk after = PowerCutDisk.holding(PowerLossExplorer.ROOT, disk.crash(random));
            try (FileStorageEngine third = open(after, FsyncPolicy.ALWAYS)) {
                List<String> kept;
                try {
                    kept = Engines.texts(third, KEY);
                } catch (RuntimeException e) {
                    throw new AssertionError("draw " + draw + ": reading what run 2 served and acknowledged failed: " + e, e);
                }
                assertThat(kept).as("draw %d: what run 2 served, then its acknowledged record", draw).isEqualTo(expected);
            }
        }
        second.close();
    }
}
