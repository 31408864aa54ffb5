package storelog.store.file;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import storelog.api.PartitionKey;

/**
 * A power cut of a run under {@code FSYNC=never} tears its active segment anywhere (its bytes were
 * never forced): blocks in the middle lost, later ones kept. Recovered under {@code never}, the segment
 * is cut at its first damaged record (what survives is a prefix of what was acknowledged). Recovered
 * under {@code always} (61bc8a5: {@code .unforced-rolls} makes it check the sealed segments whatever the
 * policy), the active segment is still recovered as one whose bytes were all forced: the damaged
 * records stay as corrupt ones below intact later ones, a hole served as {@code corrupt_record} for
 * good, and the run acknowledges appends after it. Fixed: such a crash cuts the active segment at its
 * first damage too, whatever the current policy.
 */
class PolicyChangeActiveTearTest {

    private static final PartitionKey KEY = PartitionKey.of("torn");
    private static final int RECORDS = 12;
    private static final int DRAWS = 200;

    @RegisterExtension
    final QuietLogs quiet = new QuietLogs("storelog.store.file");

    private static FileStorageEngine open(PowerCutDisk disk, FsyncPolicy fsync) {
        return Engines.openForeground(disk, 1 << 20, fsync);
    }

    @Test
    void aTornActiveSegmentOfARunUnderNeverIsCutAtItsFirstDamageAlsoUnderAlways() {
        PowerCutDisk disk = new PowerCutDisk(PowerLossExplorer.ROOT);
        FileStorageEngine first = open(disk, FsyncPolicy.NEVER);
        List<String> written = new ArrayList<>();
        for (int i = 0; i < RECORDS; i++) {
            first.append(KEY, List.of(Engines.sized(i, 300)));
            written.add(first.read(KEY, i).text()); // the read flushes the record to the OS: one version of the file each
        }
        Random random = new Random(5);
        long kept = 0;
        for (int draw = 0; draw < DRAWS; draw++) {
            PowerCutDisk after = PowerCutDisk.holding(PowerLossExplorer.ROOT, disk.crash(random));
            try (FileStorageEngine second = open(after, FsyncPolicy.ALWAYS)) {
                long end = second.info(KEY).map(i -> i.nextOffset()).orElse(0L);
                kept += end;
                for (long o = 0; o < end; o++) {
                    try {
                        assertThat(second.read(KEY, o).text()).isEqualTo(written.get((int) o));
                    } catch (RuntimeException e) {
                        throw new AssertionError("draw " + draw + ": record " + o + " of " + end + " kept after a crash "
                                + "of a run under never is unreadable (" + e + "), records after it are served", e);
                    }
                }
            }
        }
        assertThat(kept).as("records kept over all draws (the draws keep some)").isPositive();
        first.close();
    }
}
