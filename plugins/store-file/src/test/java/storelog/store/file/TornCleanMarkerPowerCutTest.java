package storelog.store.file;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import storelog.api.PartitionKey;

/**
 * The clean-shutdown marker torn by a power cut ({@link DamagedCleanMarkerTest} on a {@link PowerCutDisk}):
 * run 1 writes to many partitions and dies (its records only in the page cache); run 2 touches none of
 * them and closes cleanly, its marker naming them all — several disk blocks; the power cut comes just
 * before the marker's fsync. Run 3 must recover every partition as after a crash: each holds a prefix of
 * what run 1 wrote, readable, and the next append gets the offset after it.
 */
class TornCleanMarkerPowerCutTest {

    private static final int PARTITIONS = 50;
    private static final int DRAWS = 1500;
    private static final List<String> WRITTEN = List.of("a", "b", "c");

    @RegisterExtension
    final QuietLogs quiet = new QuietLogs("storelog.store.file");

    @Test
    void aPowerCutBeforeTheMarkersFsyncNeverVouchesForAnUnrecoveredPartition() {
        PowerCutDisk disk = new PowerCutDisk(PowerLossExplorer.ROOT);
        FileStorageEngine first = Engines.openForeground(disk, 1 << 20, FsyncPolicy.NEVER);
        for (int p = 0; p < PARTITIONS; p++) {
            first.append(key(p), WRITTEN.stream().map(Engines::text).toList());
            assertThat(first.read(key(p), 0, 10, Long.MAX_VALUE)).hasSize(3); // flushed: in the page cache, never forced
        }
        // run 1 dies: nothing closed, nothing forced
        List<CrashImage> images = new ArrayList<>();
        Random random = new Random(11);
        String marker = PowerLossWorkload.dataDir(disk.root()).resolve(DataDirectory.CLEAN_MARKER).toString();
        FileStorageEngine second = Engines.openForeground(disk, 1 << 20, FsyncPolicy.ALWAYS);
        disk.onOperation((n, what) -> {
            if (what.equals("force " + marker)) { // written, not yet forced
                for (int draw = 0; draw < DRAWS; draw++) {
                    images.add(disk.crash(random));
                }
            }
        });
        second.close();
        disk.onOperation((n, what) -> { });
        assertThat(images).hasSize(DRAWS);
        for (int draw = 0; draw < DRAWS; draw++) {
            try (FileStorageEngine third = Engines.openForeground(PowerCutDisk.holding(PowerLossExplorer.ROOT, images.get(draw)),
                    1 << 20, FsyncPolicy.ALWAYS)) {
                for (int p = 0; p < PARTITIONS; p++) {
                    List<String> kept = Engines.texts(third, key(p));
                    assertThat(kept.size()).as("draw %d, p%02d: %s", draw, p, kept).isLessThanOrEqualTo(WRITTEN.size());
                    assertThat(kept).as("draw %d, p%02d: a prefix", draw, p).isEqualTo(WRITTEN.subList(0, kept.size()));
                    assertThat(third.append(key(p), List.of(Engines.text("next")))).as("draw %d, p%02d: the next offset", draw, p)
                            .isEqualTo(kept.size());
                }
            }
        }
    }

    private static PartitionKey key(int p) {
        return PartitionKey.of(String.format("p%02d", p));
    }
}
