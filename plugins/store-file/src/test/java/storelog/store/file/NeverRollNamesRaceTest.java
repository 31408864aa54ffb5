package storelog.store.file;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import storelog.api.PartitionKey;
import storelog.api.Record;

/**
 * The flusher's pass under {@code FSYNC=never} forces the names created before it began, then the
 * sealed segments that were waiting then — not those sealed while it ran: their names (and their
 * successors') may have been created after its directory fsync. Were it to take those too, it would
 * take them off the waiting list with their names unforced, the appender's bound on waiting segments
 * would no longer bound the unforced names, and a power cut could lose an older segment's name while
 * more than {@link BackgroundFlush#MAX_PENDING} newer ones survive: a hole below the segments
 * recovery checks. The test holds the flusher inside one pass while the appender rolls three times,
 * then at the next pass's first fsync while it rolls {@code MAX_PENDING - 1} more times (as many as stay
 * below the bound: a roll at the bound forces the names itself), and cuts the power there.
 */
class NeverRollNamesRaceTest {

    private static final PartitionKey KEY = PartitionKey.of("racing");
    private static final long MAX_FILE_SIZE = 600; // two records of 200 bytes per segment
    private static final int DRAWS = 300;

    @RegisterExtension
    final QuietLogs quiet = new QuietLogs("storelog.store.file");

    @Test
    void segmentsSealedDuringAFlusherPassKeepWaitingUntilTheirNamesAreForced() throws InterruptedException {
        PowerCutDisk disk = new PowerCutDisk(PowerLossExplorer.ROOT);
        Path partition = Engines.partitionDir(PowerLossWorkload.dataDir(PowerLossExplorer.ROOT), KEY);
        Set<String> forced = ConcurrentHashMap.newKeySet();
        AtomicReference<String> holdAt = new AtomicReference<>(); // the flusher's next operation starting so waits
        AtomicReference<String> held = new AtomicReference<>(); // the operation it waits at
        disk.onOperation((n, what) -> { // called holding the disk's monitor: wait() lets others use the disk meanwhile
            if (!Thread.currentThread().getName().startsWith("storelog-flusher-")) {
                return;
            }
            String prefix = holdAt.get();
            if (prefix != null && what.startsWith(prefix) && holdAt.compareAndSet(prefix, null)) {
                held.set(what);
                synchronized (disk) {
                    while (held.get() != null) {
                        try {
                            disk.wait();
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                            return;
                        }
                    }
                }
            }
            if (what.startsWith("force ")) {
                forced.add(what.substring("force ".length()));
            }
        });
        List<String> appended = new ArrayList<>();
        FileStorageEngine engine = Engines.openForeground(disk, MAX_FILE_SIZE, FsyncPolicy.NEVER);
        append(engine, appended, 0, 2);
        holdAt.set("force " + SegmentName.storeFile(partition, 0)); // the pass for segment 0, after its names' fsync
        append(engine, appended, 2, 1); // the first roll (forcing the first names itself): segment 1 holds r2
        await().atMost(Duration.ofSeconds(30)).until(() -> held.get() != null);
        append(engine, appended, 3, 6); // three rolls: segments 1, 2, 3 sealed while the pass runs, segment 4 holds r8
        release(disk, held);
        String store3 = SegmentName.storeFile(partition, 6).toString(); // segment 3: bases are offsets, two records a segment
        await().atMost(Duration.ofSeconds(30)).until(() -> forced.contains(store3));

        // the next pass, at its first fsync: the names' (under the mutation the names of segments 2 to 4
        // are still unforced, so there is one) or, when a pass before it forced those, segment 4's bytes
        holdAt.set("force");
        append(engine, appended, 9, 2); // r9 fills segment 4, r10 rolls: the pass for segment 4 starts and waits
        await().atMost(Duration.ofSeconds(30)).until(() -> held.get() != null);
        // MAX_PENDING - 2 more rolls: segments 5 to MAX_PENDING + 2 sealed (MAX_PENDING - 1 waiting, so no roll forces
        // the names itself), segment MAX_PENDING + 3 holds the last record: MAX_PENDING sealed segments after
        // segment 2, whose name (under the mutation) may be lost, so recovery does not check segment 1 before it
        append(engine, appended, 11, 2 * BackgroundFlush.MAX_PENDING - 4);
        // the bound recovery relies on, on the disk as it is: only the newest MAX_PENDING + 1 segments' names may
        // be unforced (a random power cut shows a hole below them only rarely: it must also keep all the names above)
        int segments = BackgroundFlush.MAX_PENDING + 4;
        Set<Long> durableBases = new TreeSet<>();
        disk.durableImage().files().keySet().forEach(file -> SegmentName.parse(file.substring(file.lastIndexOf('/') + 1))
                .filter(name -> name.kind() == FileHeader.STORE).ifPresent(name -> durableBases.add(name.baseOffset())));
        List<Long> mustBeDurable = new ArrayList<>();
        for (int k = 0; k < segments - (BackgroundFlush.MAX_PENDING + 1); k++) {
            mustBeDurable.add(2L * k); // two records a segment: segment k's base
        }

        Random random = new Random(31);
        List<String> failures = new ArrayList<>();
        for (int draw = 0; draw < DRAWS; draw++) {
            try (FileStorageEngine after = Engines.openForeground(PowerCutDisk.holding(PowerLossExplorer.ROOT, disk.crash(random)),
                    MAX_FILE_SIZE, FsyncPolicy.NEVER)) {
                List<String> kept = Engines.texts(after, KEY);
                long next = after.info(KEY).map(info -> info.nextOffset()).orElse(0L);
                if (!kept.equals(appended.subList(0, kept.size())) || next != kept.size()) {
                    failures.add("draw " + draw + ": " + kept.size() + " records served, next offset " + next);
                }
            } catch (RuntimeException e) {
                failures.add("draw " + draw + ": " + e);
            }
        }
        release(disk, held);
        engine.close();
        assertThat(durableBases).as("the older segments' names are durable (more than MAX_PENDING + 1 were made since)")
                .containsAll(mustBeDurable);
        assertThat(failures).as("power cuts after which the log is not a gap-free prefix of what was appended").isEmpty();
    }

    private static void release(PowerCutDisk disk, AtomicReference<String> held) {
        synchronized (disk) {
            held.set(null);
            disk.notifyAll();
        }
    }

    private static void append(FileStorageEngine engine, List<String> appended, int from, int n) {
        for (int i = from; i < from + n; i++) {
            engine.append(KEY, List.of(Engines.sized(i, 200)));
            appended.add(new String(Engines.sized(i, 200).payload(), StandardCharsets.UTF_8));
        }
    }
}
