package storelog.store.file;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import storelog.api.EpochStart;
import storelog.api.PartitionKey;
import storelog.api.Record;

/**
 * Power cuts after a lazily recovering run (review of the lazy crash recovery): a process crash keeps
 * the page cache, so the next run finds bytes that are not durable; what it serves of them, and the
 * epoch starts it records on top of them, must survive a power cut in that run or after its clean
 * close, and a partition it never touched must come back as a prefix of what it held. Each test runs
 * three "runs" on one {@link PowerCutDisk}: run 1 writes and dies without closing (its buffers were
 * flushed to the simulated page cache by a read), run 2 opens the same disk (nothing of run 1 was
 * forced), run 3 opens each of many drawn power-cut images of it.
 */
class LazyRecoveryPowerCutTest {

    private static final PartitionKey USED = PartitionKey.of("used");
    /** A key long enough for nested directories (continuation levels below DATA_DIR). */
    private static final PartitionKey NESTED = PartitionKey.of("n".repeat(250));
    private static final PartitionKey UNTOUCHED = PartitionKey.of("untouched");
    private static final int DRAWS = 300;

    @RegisterExtension
    final QuietLogs quiet = new QuietLogs("storelog.store.file");

    /** An engine on {@code disk} that recovers on first use only (what a test touches is what recovers). */
    private static FileStorageEngine open(PowerCutDisk disk, FsyncPolicy fsync) {
        return Engines.openForeground(disk, 1 << 20, fsync);
    }

    /** Run 1: records in three partitions under {@code NEVER}, flushed to the page cache, never forced; the engine is abandoned. */
    private static PowerCutDisk crashedRun() {
        PowerCutDisk disk = new PowerCutDisk(PowerLossExplorer.ROOT);
        FileStorageEngine first = open(disk, FsyncPolicy.NEVER);
        for (PartitionKey key : List.of(USED, NESTED, UNTOUCHED)) {
            first.append(key, List.of(Engines.text("a"), Engines.text("b"), Engines.text("c")));
            assertThat(first.read(key, 0, 10, Long.MAX_VALUE)).hasSize(3); // flushes its buffers: bytes in the page cache
        }
        return disk; // a process crash: nothing closed, nothing forced
    }

    @Test
    void whatALazilyRecoveredRunServedSurvivesAPowerCutInThatRun() {
        PowerCutDisk disk = crashedRun();
        FileStorageEngine second = open(disk, FsyncPolicy.ALWAYS);
        List<String> served = Engines.texts(second, USED);
        second.append(NESTED, List.of(Engines.text("d"))); // acknowledged under ALWAYS, after the 3 of run 1 it served
        Random random = new Random(42);
        for (int draw = 0; draw < DRAWS; draw++) {
            PowerCutDisk after = PowerCutDisk.holding(PowerLossExplorer.ROOT, disk.crash(random));
            try (FileStorageEngine third = open(after, FsyncPolicy.ALWAYS)) {
                assertThat(Engines.texts(third, USED)).as("draw %d: what run 2 served of run 1's unforced records", draw).isEqualTo(served);
                assertThat(Engines.texts(third, NESTED)).as("draw %d: the nested partition's acknowledged record and those below it", draw)
                        .containsExactly("a", "b", "c", "d");
                List<String> untouched = Engines.texts(third, UNTOUCHED);
                assertThat(List.of("a", "b", "c").subList(0, untouched.size())).as("draw %d: a prefix", draw).isEqualTo(untouched);
                EpochChecks.assertWellFormed(third.epochs(UNTOUCHED), untouched.size(), "draw " + draw);
            }
        }
        second.close();
    }

    @Test
    void anEpochStartRecordedOnALazilyRecoveredPartitionSurvivesAPowerCutWithTheRecordsBelowIt() {
        PowerCutDisk disk = crashedRun();
        FileStorageEngine second = open(disk, FsyncPolicy.ALWAYS);
        second.startEpoch(USED, 9, 3); // its first touch: recovery, then the start
        Random random = new Random(43);
        for (int draw = 0; draw < DRAWS; draw++) {
            PowerCutDisk after = PowerCutDisk.holding(PowerLossExplorer.ROOT, disk.crash(random));
            try (FileStorageEngine third = open(after, FsyncPolicy.ALWAYS)) {
                assertThat(Engines.texts(third, USED)).as("draw %d: the records below the start", draw).containsExactly("a", "b", "c");
                assertThat(third.epochs(USED)).as("draw %d: the start run 2 recorded", draw)
                        .containsExactly(new EpochStart(0, 0), new EpochStart(9, 3));
            }
        }
        second.close();
    }

    @Test
    void aPartitionLeftUnrecoveredByACleanCloseComesBackAsAPrefixAfterAPowerCut() {
        PowerCutDisk disk = crashedRun();
        FileStorageEngine second = open(disk, FsyncPolicy.ALWAYS);
        List<String> served = second.read(USED, 0, 10, Long.MAX_VALUE).stream().map(Record::text).toList();
        second.close(); // NESTED and UNTOUCHED never touched: named in the marker
        Random random = new Random(7);
        for (int draw = 0; draw < DRAWS; draw++) {
            PowerCutDisk after = PowerCutDisk.holding(PowerLossExplorer.ROOT, disk.crash(random));
            try (FileStorageEngine third = open(after, FsyncPolicy.ALWAYS)) {
                assertThat(third.read(USED, 0, 10, Long.MAX_VALUE).stream().map(Record::text).toList())
                        .as("draw %d: what run 2 served", draw).isEqualTo(served);
                for (PartitionKey key : List.of(NESTED, UNTOUCHED)) {
                    List<String> kept = Engines.texts(third, key);
                    assertThat(List.of("a", "b", "c").subList(0, kept.size())).as("draw %d: %s a prefix", draw, key)
                            .isEqualTo(kept);
                    EpochChecks.assertWellFormed(third.epochs(key), kept.size(), "draw " + draw);
                }
            }
        }
    }
}
