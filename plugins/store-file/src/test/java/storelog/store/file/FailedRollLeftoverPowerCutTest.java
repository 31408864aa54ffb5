package storelog.store.file;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystemException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import storelog.api.PartitionKey;
import storelog.api.Record;
import storelog.api.StorageFailedException;

/**
 * A roll whose new segment cannot be created (EMFILE or ENOSPC halfway: the store file is there, the
 * index is not) fails that one append cleanly and deletes the half-made files — without forcing the
 * directory. The next append that still fits goes on in the full segment and is acknowledged. The
 * next roll then creates a segment at a later base; until the directory is forced after that (under
 * {@code always} right after the files are created, under {@code never} by the flusher), a power cut
 * can keep the half-made segment's creation and lose its deletion: recovery then finds an empty
 * segment in the middle whose base cuts the full segment's count short, and the acknowledged records
 * appended after the failed roll are no longer served (under {@code always} their offsets answer
 * {@code corrupt_record} though their bytes are durable in the full segment).
 */
class FailedRollLeftoverPowerCutTest {

    private static final PartitionKey KEY = PartitionKey.of("leftover");
    private static final long MAX_FILE_SIZE = 600; // two records of 200 bytes; a third one rolls
    private static final int DRAWS_PER_OPERATION = 40;

    @RegisterExtension
    final QuietLogs quiet = new QuietLogs("storelog.store.file");

    @Test
    void underAlwaysEveryAcknowledgedRecordSurvivesAPowerCutAfterAFailedRoll() {
        assertThat(powerCutsThatLostAnAcknowledgedRecord(FsyncPolicy.ALWAYS, false)).isEmpty();
    }

    /**
     * The roll's files are all created, but the directory fsync that makes their names durable cannot
     * open the directory (EMFILE): the files are deleted again without a directory fsync, like a
     * half-made segment's, and the append fails as retryable.
     */
    @Test
    void underAlwaysEveryAcknowledgedRecordSurvivesAPowerCutAfterARollWhoseDirectoryCouldNotBeOpened() {
        assertThat(powerCutsThatLostAnAcknowledgedRecord(FsyncPolicy.ALWAYS, true)).isEmpty();
    }

    @Test
    void underIntervalEveryForcedRecordSurvivesAPowerCutAfterARollWhoseDirectoryCouldNotBeOpened() {
        assertThat(powerCutsThatLostAnAcknowledgedRecord(FsyncPolicy.parse("interval:5"), true)).isEmpty();
    }

    /** Under {@code interval} the record appended after the failed roll is waited for until the flusher forced it. */
    @Test
    void underIntervalEveryForcedRecordSurvivesAPowerCutAfterAFailedRoll() {
        assertThat(powerCutsThatLostAnAcknowledgedRecord(FsyncPolicy.parse("interval:5"), false)).isEmpty();
    }

    /**
     * Runs the scenario under {@code fsync}, drawing power cuts before every operation of the second
     * roll's append; returns the draws whose recovery no longer serves every record acknowledged (and
     * forced) before it.
     */
    private static List<String> powerCutsThatLostAnAcknowledgedRecord(FsyncPolicy fsync, boolean directoryOpenFails) {
        PowerCutDisk disk = new PowerCutDisk(PowerLossExplorer.ROOT);
        FailingCreation failing = new FailingCreation(disk);
        Path partition = Engines.partitionDir(PowerLossWorkload.dataDir(PowerLossExplorer.ROOT), KEY);
        String store0 = SegmentName.storeFile(partition, 0).toString();
        List<CrashImage> images = new ArrayList<>();
        AtomicBoolean capture = new AtomicBoolean();
        AtomicBoolean fitsForced = new AtomicBoolean();
        AtomicBoolean fitsAppended = new AtomicBoolean();
        AtomicBoolean fitsWritten = new AtomicBoolean();
        Random random = new Random(29);
        disk.onOperation((n, what) -> {
            if (capture.get()) {
                for (int i = 0; i < DRAWS_PER_OPERATION; i++) {
                    images.add(disk.crash(random));
                }
            }
            if (fitsAppended.get() && what.startsWith("write " + store0 + " ")) {
                fitsWritten.set(true);
            } else if (fitsWritten.get() && what.equals("force " + store0)) {
                fitsForced.set(true); // applied right after this call returns, under the disk's lock
            }
        });
        List<String> acknowledged = new ArrayList<>();
        try (FileStorageEngine engine = FileStorageEngine.open(Engines.config(PowerLossWorkload.dataDir(disk.root()),
                MAX_FILE_SIZE, fsync), failing, false)) {
            append(engine, acknowledged, Engines.sized(0, 200));
            append(engine, acknowledged, Engines.sized(1, 200));
            if (directoryOpenFails) {
                failing.failingDirectory.set(partition);
            } else {
                failing.failing = SegmentName.indexFile(partition, 2);
            }
            assertThatThrownBy(() -> engine.append(KEY, List.of(Engines.sized(2, 200)))) // rolls; the new index cannot be created
                    .isInstanceOf(StorageFailedException.class).hasMessageContaining("can be retried");
            failing.failing = null;
            fitsAppended.set(true);
            append(engine, acknowledged, Engines.text("fits in segment 0")); // offset 2, in the full segment
            await().atMost(Duration.ofSeconds(30)).untilTrue(fitsForced);
            capture.set(true);
            engine.append(KEY, List.of(Engines.sized(3, 200))); // rolls: segment 3
            capture.set(false);
        }
        assertThat(images).as("power cuts drawn during the second roll").isNotEmpty();
        List<String> failures = new ArrayList<>();
        for (int draw = 0; draw < images.size(); draw++) {
            try (FileStorageEngine after = Engines.openForeground(PowerCutDisk.holding(PowerLossExplorer.ROOT, images.get(draw)),
                    MAX_FILE_SIZE, fsync)) {
                List<String> kept = Engines.texts(after, KEY);
                if (!kept.subList(0, Math.min(kept.size(), acknowledged.size())).equals(acknowledged)) {
                    failures.add("draw " + draw + ": served " + kept.stream().map(t -> t.substring(0, Math.min(t.length(), 8))).toList());
                }
            } catch (RuntimeException e) {
                failures.add("draw " + draw + ": " + e);
            }
        }
        return failures;
    }

    private static void append(FileStorageEngine engine, List<String> acknowledged, storelog.api.NewRecord record) {
        engine.append(KEY, List.of(record));
        acknowledged.add(new String(record.payload(), java.nio.charset.StandardCharsets.UTF_8));
    }

    /** {@code disk}, where creating the file {@link #failing} names fails with EMFILE (nothing created). */
    private static final class FailingCreation implements Disk {
        private final PowerCutDisk disk;
        volatile Path failing;
        /** The directory whose next fsync cannot open it (EMFILE: nothing forced), once. */
        final java.util.concurrent.atomic.AtomicReference<Path> failingDirectory = new java.util.concurrent.atomic.AtomicReference<>();

        FailingCreation(PowerCutDisk disk) {
            this.disk = disk;
        }

        @Override
        public FileChannel open(Path file, OpenOption... options) throws IOException {
            return disk.open(file, options);
        }

        @Override
        public FileChannel createNew(Path file) throws IOException {
            if (file.equals(failing)) {
                throw new FileSystemException(file.toString(), null, "Too many open files");
            }
            return disk.createNew(file);
        }

        @Override
        public List<Path> createDirectories(Path dir) throws IOException {
            return disk.createDirectories(dir);
        }

        @Override
        public boolean exists(Path path) {
            return disk.exists(path);
        }

        @Override
        public boolean isDirectory(Path path) {
            return disk.isDirectory(path);
        }

        @Override
        public boolean directoryExists(Path dir) throws IOException {
            return disk.directoryExists(dir);
        }

        @Override
        public long size(Path file) throws IOException {
            return disk.size(file);
        }

        @Override
        public List<Path> list(Path dir) throws IOException {
            return disk.list(dir);
        }

        @Override
        public boolean deleteIfExists(Path path) throws IOException {
            return disk.deleteIfExists(path);
        }

        @Override
        public void moveAtomically(Path source, Path target) throws IOException {
            disk.moveAtomically(source, target);
        }

        @Override
        public void forceDirectory(Path dir) throws IOException {
            Path failing = failingDirectory.get();
            if (dir.equals(failing) && failingDirectory.compareAndSet(failing, null)) {
                throw new FileSystemException(dir.toString(), null, "Too many open files");
            }
            disk.forceDirectory(dir);
        }
    }
}
