package storelog.store.file;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import storelog.api.PartitionKey;
import storelog.api.Record;

/**
 * Under {@code FSYNC=never} a roll no longer forces the partition's directory on the appender's
 * thread (that held a single appender in a journal commit and cost it a quarter of its rate): the
 * flusher forces the new segments' names before the sealed segments' bytes, and only the first roll
 * forces them itself. What a power cut may then take: the names and bytes of the segments the flusher
 * has not reached yet — never an older segment while a newer one survives, and never the first one.
 * Each test draws power cuts from one state of the disk and checks what recovery serves.
 */
class NeverRollNamesPowerCutTest {

    private static final PartitionKey KEY = PartitionKey.of("rolling");
    private static final long MAX_FILE_SIZE = 600; // two records of 200 bytes per segment
    private static final int DRAWS = 300;

    @RegisterExtension
    final QuietLogs quiet = new QuietLogs("storelog.store.file");

    /**
     * Once the flusher has forced every sealed segment, a power cut may take only the active segment:
     * every record of the sealed ones survives, in order. Fails if the flusher forced a segment's
     * bytes and took it off its list without its name being durable.
     */
    @Test
    void everySegmentTheFlusherForcedSurvivesWithItsName() {
        PowerCutDisk disk = new PowerCutDisk(PowerLossExplorer.ROOT);
        Set<String> forced = ConcurrentHashMap.newKeySet();
        disk.onOperation((n, what) -> {
            if (what.startsWith("force ")) {
                forced.add(what.substring("force ".length()));
            }
        });
        List<String> appended = new ArrayList<>();
        FileStorageEngine engine = Engines.openForeground(disk, MAX_FILE_SIZE, FsyncPolicy.NEVER);
        for (int i = 0; i < 25; i++) { // 13 segments: 12 sealed, the last active with one record
            engine.append(KEY, List.of(Engines.sized(i, 200)));
            appended.add(new String(Engines.sized(i, 200).payload(), java.nio.charset.StandardCharsets.UTF_8));
        }
        Path partition = Engines.partitionDir(PowerLossWorkload.dataDir(PowerLossExplorer.ROOT), KEY);
        List<String> sealedStores = new ArrayList<>();
        for (long base = 0; base < 24; base += 2) {
            sealedStores.add(SegmentName.storeFile(partition, base).toString());
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> forced.containsAll(sealedStores));

        Random random = new Random(7);
        for (int draw = 0; draw < DRAWS; draw++) {
            try (FileStorageEngine after = Engines.openForeground(PowerCutDisk.holding(PowerLossExplorer.ROOT, disk.crash(random)),
                    MAX_FILE_SIZE, FsyncPolicy.NEVER)) {
                List<String> kept = Engines.texts(after, KEY);
                assertThat(kept).as("draw %d: a prefix of what was appended", draw).isEqualTo(appended.subList(0, kept.size()));
                assertThat(kept).as("draw %d: every record of the sealed segments the flusher forced", draw).hasSizeGreaterThanOrEqualTo(24);
            }
        }
        engine.close();
    }

    /**
     * A power cut before the flusher forced any name (it is held at its first directory fsync): what
     * survives starts at offset 0 — the first roll forced the first segment's name itself, so no later
     * segment can survive without it — and is a prefix of what was appended.
     */
    @Test
    void whatSurvivesAPowerCutBeforeTheFlusherForcedANameStartsAtTheFirstRecord() throws InterruptedException {
        PowerCutDisk disk = new PowerCutDisk(PowerLossExplorer.ROOT);
        AtomicBoolean flusherHeld = new AtomicBoolean(true);
        holdFlusherAtItsDirectoryFsyncs(disk, flusherHeld);
        List<String> appended = new ArrayList<>();
        FileStorageEngine engine = Engines.openForeground(disk, MAX_FILE_SIZE, FsyncPolicy.NEVER);
        for (int i = 0; i < 9; i++) { // 5 segments, 4 rolls: no roll finds BackgroundFlush.MAX_PENDING sealed ones waiting
            engine.append(KEY, List.of(Engines.sized(i, 200)));
            appended.add(new String(Engines.sized(i, 200).payload(), java.nio.charset.StandardCharsets.UTF_8));
        }
        Random random = new Random(13);
        boolean laterSegmentKept = false;
        for (int draw = 0; draw < DRAWS; draw++) {
            try (FileStorageEngine after = Engines.openForeground(PowerCutDisk.holding(PowerLossExplorer.ROOT, disk.crash(random)),
                    MAX_FILE_SIZE, FsyncPolicy.NEVER)) {
                List<String> kept = Engines.texts(after, KEY);
                long next = after.info(KEY).map(info -> info.nextOffset()).orElse(0L);
                assertThat(next).as("draw %d: the next offset is right after what is served", draw).isEqualTo(kept.size());
                assertThat(kept).as("draw %d: a prefix of what was appended", draw).isEqualTo(appended.subList(0, kept.size()));
                laterSegmentKept |= kept.size() > 2;
            }
        }
        assertThat(laterSegmentKept).as("some draw kept records past the first segment (the test reaches the shape)").isTrue();
        synchronized (disk) {
            flusherHeld.set(false);
            disk.notifyAll();
        }
        engine.close();
    }

    /**
     * With the flusher held at its directory fsync, the appender's rolls keep at most
     * {@link BackgroundFlush#MAX_PENDING} sealed segments waiting: a roll that finds that many forces
     * the oldest, name and bytes, itself. So a power cut that keeps nothing unforced still keeps every
     * record of the sealed segments older than the newest {@code MAX_PENDING}: recovery, which checks
     * only those, never meets a hole or a lost tail below them.
     */
    @Test
    void aRollThatFindsMaxPendingSealedSegmentsWaitingForcesTheOldestItself() {
        PowerCutDisk disk = new PowerCutDisk(PowerLossExplorer.ROOT);
        AtomicBoolean flusherHeld = new AtomicBoolean(true);
        holdFlusherAtItsDirectoryFsyncs(disk, flusherHeld);
        List<String> appended = new ArrayList<>();
        FileStorageEngine engine = Engines.openForeground(disk, MAX_FILE_SIZE, FsyncPolicy.NEVER);
        int sealed = BackgroundFlush.MAX_PENDING + 3;
        for (int i = 0; i < 2 * sealed + 1; i++) { // MAX_PENDING + 3 segments sealed, the last active with one record
            engine.append(KEY, List.of(Engines.sized(i, 200)));
            appended.add(new String(Engines.sized(i, 200).payload(), java.nio.charset.StandardCharsets.UTF_8));
        }
        try (FileStorageEngine after = Engines.openForeground(PowerCutDisk.holding(PowerLossExplorer.ROOT, disk.durableImage()),
                MAX_FILE_SIZE, FsyncPolicy.NEVER)) {
            List<String> kept = Engines.texts(after, KEY);
            assertThat(kept).as("a prefix of what was appended").isEqualTo(appended.subList(0, kept.size()));
            assertThat(kept).as("every record of the sealed segments older than the newest MAX_PENDING")
                    .hasSizeGreaterThanOrEqualTo(2 * (sealed - BackgroundFlush.MAX_PENDING));
        } finally {
            synchronized (disk) {
                flusherHeld.set(false);
                disk.notifyAll();
            }
            engine.close();
        }
    }

    /** Holds the flusher at each directory fsync while {@code held} (released with a notifyAll on {@code disk}). */
    private static void holdFlusherAtItsDirectoryFsyncs(PowerCutDisk disk, AtomicBoolean held) {
        disk.onOperation((n, what) -> { // called holding the disk's monitor: wait() lets others use the disk meanwhile
            if (what.startsWith("force-dir ") && Thread.currentThread().getName().startsWith("storelog-flusher-")) {
                synchronized (disk) {
                    while (held.get()) {
                        try {
                            disk.wait();
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                            return;
                        }
                    }
                }
            }
        });
    }
}
