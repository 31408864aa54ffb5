package storelog.store.file;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import storelog.api.PartitionKey;
import storelog.api.Record;

/**
 * Crash recovery forces the active segment's store, not its index (review of that change): the index
 * found after a process crash (only in the page cache) is adopted unforced. A power cut in the run
 * that adopted it must lose no record it acknowledged or served, whether the segment is still active
 * (recovery rescans it) or was sealed meanwhile — then, trusted by recovery under {@code always}, its
 * index must be durable: the roll forces the adopted index.
 */
class AdoptedIndexPowerCutTest {

    private static final PartitionKey KEY = PartitionKey.of("adopted");
    private static final long MAX_FILE_SIZE = 600;
    private static final int DRAWS = 300;

    @RegisterExtension
    final QuietLogs quiet = new QuietLogs("storelog.store.file");

    private static FileStorageEngine open(PowerCutDisk disk, FsyncPolicy fsync) {
        return Engines.openForeground(disk, MAX_FILE_SIZE, fsync);
    }

    private static List<String> texts(FileStorageEngine engine) {
        return engine.read(KEY, 0, 100, Long.MAX_VALUE).stream().map(Record::text).toList();
    }

    /** Run 1 under never: three records in segment 0, flushed to the page cache (store and index), nothing forced; abandoned. */
    private static PowerCutDisk crashedRun() {
        PowerCutDisk disk = new PowerCutDisk(PowerLossExplorer.ROOT);
        FileStorageEngine first = open(disk, FsyncPolicy.NEVER);
        first.append(KEY, List.of(Engines.text("a"), Engines.text("b"), Engines.text("c")));
        assertThat(first.read(KEY, 0, 10, Long.MAX_VALUE)).hasSize(3);
        return disk;
    }

    @Test
    void anAdoptedIndexStillActiveLosesNothingAcknowledgedToAPowerCut() {
        PowerCutDisk disk = crashedRun();
        FileStorageEngine second = open(disk, FsyncPolicy.ALWAYS);
        List<String> expected = new ArrayList<>(texts(second));
        for (String s : List.of("d", "e")) {
            second.append(KEY, List.of(Engines.text(s)));
            expected.add(s);
        }
        check(disk, expected, 21, null);
        second.close();
    }

    @Test
    void anAdoptedIndexSealedByARollIsDurableBeforeTheNextSegmentIsUsed() {
        PowerCutDisk disk = crashedRun();
        FileStorageEngine second = open(disk, FsyncPolicy.ALWAYS);
        List<String> expected = new ArrayList<>(texts(second));
        for (int i = 0; i < 4; i++) { // rolls segment 0 (the adopted index) into a sealed one
            second.append(KEY, List.of(Engines.sized(i, 200)));
            expected.add(new String(Engines.sized(i, 200).payload(), java.nio.charset.StandardCharsets.UTF_8));
        }
        assertThat(second.read(KEY, expected.size() - 1, 1, Long.MAX_VALUE).getFirst().offset())
                .isEqualTo(expected.size() - 1);
        check(disk, expected, 22, "data/adopted/segment_0.index");
        second.close();
    }

    /** Each drawn power cut keeps every record of {@code expected}; {@code sealedIndex}, if any, whole as it is now. */
    private static void check(PowerCutDisk disk, List<String> expected, long seed, String sealedIndex) {
        Random random = new Random(seed);
        byte[] index = sealedIndex == null ? null : disk.crash(new Random(0)).files().get(sealedIndex);
        assertThat(sealedIndex == null || index != null).as("the image holds %s", sealedIndex).isTrue();
        for (int draw = 0; draw < DRAWS; draw++) {
            CrashImage image = disk.crash(random);
            if (index != null) {
                assertThat(Arrays.equals(image.files().get(sealedIndex), index))
                        .as("draw %d: the sealed segment's index recovery under always trusts is durable", draw).isTrue();
            }
            try (FileStorageEngine third = open(PowerCutDisk.holding(PowerLossExplorer.ROOT, image), FsyncPolicy.ALWAYS)) {
                assertThat(texts(third)).as("draw %d", draw).isEqualTo(expected);
            }
        }
    }
}
