package storelog.store.file;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import storelog.api.PartitionKey;
import storelog.api.Record;

/**
 * Power cuts at every operation of a run that loads a cleanly stopped segment whose index was damaged
 * while it was stopped (one entry, same length) — the load rewrites that index (temporary file, rename,
 * directory fsync) — and then appends (review7): the next start finds every record acknowledged
 * before the cut, in order, nothing else but a suffix of the unacknowledged ones, and an index that
 * agrees with the store.
 */
class CleanStopIndexPowerCutTest {

    private static final PartitionKey KEY = PartitionKey.of("orders");

    @RegisterExtension
    final QuietLogs quiet = new QuietLogs("storelog.store.file");

    @ParameterizedTest
    @EnumSource(value = FsyncPolicy.Mode.class, names = {"ALWAYS", "NEVER"})
    void everyPowerCutAroundTheFirstWriteKeepsTheAcknowledgedRecords(FsyncPolicy.Mode mode) throws IOException {
        FsyncPolicy fsync = mode == FsyncPolicy.Mode.ALWAYS ? FsyncPolicy.ALWAYS : FsyncPolicy.NEVER;
        PowerCutDisk disk = new PowerCutDisk(PowerLossExplorer.ROOT);
        try (FileStorageEngine first = Engines.openForeground(disk, 1 << 20, FsyncPolicy.ALWAYS)) {
            for (String s : List.of("a", "b", "c")) {
                first.append(KEY, List.of(Engines.text(s)));
            }
        }
        Path index = SegmentName.indexFile(KEY.directoryIn(PowerLossWorkload.dataDir(disk.root())), 0);
        try (FileChannel channel = disk.open(index, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ByteBuffer one = ByteBuffer.allocate(1);
            long at = IndexEntry.positionOf(1) + 3;
            channel.read(one, at);
            one.put(0, (byte) (one.get(0) ^ 0x40)).flip();
            channel.write(one, at);
            channel.force(true);
        }
        List<CrashImage> images = new ArrayList<>();
        List<Integer> acknowledgedAt = new ArrayList<>();
        Random random = new Random(11);
        List<String> acknowledged = new ArrayList<>(List.of("a", "b", "c"));
        disk.onOperation((n, what) -> { // from the load on, whose check rewrites the damaged index
            for (int k = 0; k < 4; k++) {
                images.add(disk.crash(random));
                acknowledgedAt.add(acknowledged.size());
            }
        });
        FileStorageEngine second = Engines.openForeground(disk, 1 << 20, fsync);
        assertThat(second.read(KEY, 0, 10, Long.MAX_VALUE)).extracting(Record::text).containsExactly("a", "b", "c");
        List<String> all = new ArrayList<>(acknowledged);
        for (int i = 0; i < 6; i++) {
            String s = "x" + i + "-".repeat(60);
            all.add(s);
            second.append(KEY, List.of(Engines.text(s)));
            synchronized (acknowledged) {
                acknowledged.add(s);
            }
        }
        disk.onOperation((n, what) -> { });
        for (int k = 0; k < 20; k++) {
            images.add(disk.crash(random));
            acknowledgedAt.add(acknowledged.size());
        }
        second.close();
        assertThat(images).hasSizeGreaterThan(20);
        for (int d = 0; d < images.size(); d++) {
            PowerCutDisk after = PowerCutDisk.holding(PowerLossExplorer.ROOT, images.get(d));
            List<String> found;
            try (FileStorageEngine third = Engines.openForeground(after, 1 << 20, FsyncPolicy.ALWAYS)) {
                found = third.read(KEY, 0, 100, Long.MAX_VALUE).stream().map(Record::text).toList();
            }
            int ack = acknowledgedAt.get(d);
            int durable = mode == FsyncPolicy.Mode.ALWAYS ? ack : 3;
            assertThat(found.size()).as("draw %d: acknowledged %d", d, ack).isGreaterThanOrEqualTo(durable);
            assertThat(found).as("draw %d", d).isEqualTo(all.subList(0, found.size()));
            try (FileStorageEngine fourth = Engines.openForeground(after, 1 << 20, FsyncPolicy.ALWAYS)) {
                // a clean restart after recovery: its check must agree with what recovery found
                assertThat(fourth.read(KEY, 0, 100, Long.MAX_VALUE).stream().map(Record::text).toList())
                        .as("draw %d, clean restart", d).isEqualTo(found);
                fourth.append(KEY, List.of(Engines.text("z")));
                assertThat(fourth.read(KEY, found.size(), 1, Long.MAX_VALUE).getFirst().text()).isEqualTo("z");
            }
        }
    }
}
