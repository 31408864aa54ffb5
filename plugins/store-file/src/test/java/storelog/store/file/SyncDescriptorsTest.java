package storelog.store.file;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static storelog.store.file.Engines.KEY;
import static storelog.store.file.Engines.text;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import storelog.api.StorageFailedException;
import storelog.testkit.TestData;

/**
 * fsyncs go through descriptors kept open between fsyncs of the same file ({@link SyncDescriptors}):
 * opened once per file, not once per fsync, and never one that belongs to another file than the one
 * now at the name, or whose fsync failed.
 */
class SyncDescriptorsTest {

    private Path dir;

    @BeforeEach
    void setUp(TestInfo test) {
        dir = TestData.directory(test);
    }

    /** The local disk, counting sync descriptors by file and recording which file (inode) each was opened on. */
    private static final class SyncCountingDisk extends LocalDisk {
        final Map<Path, AtomicInteger> opens = new ConcurrentHashMap<>();
        final List<Opened> opened = new CopyOnWriteArrayList<>();
        final AtomicBoolean failNextSync = new AtomicBoolean();

        record Opened(Object fileKey, AtomicBoolean closed) {
        }

        @Override
        public FileSync openForSync(Path file) throws IOException {
            FileSync real = super.openForSync(file);
            opens.computeIfAbsent(file.getFileName(), f -> new AtomicInteger()).incrementAndGet();
            Opened record = new Opened(Files.readAttributes(file, java.nio.file.attribute.BasicFileAttributes.class).fileKey(),
                    new AtomicBoolean());
            opened.add(record);
            return FileSync.of(real.interruptible(), () -> {
                if (failNextSync.getAndSet(false)) {
                    throw new IOException("injected: fsync failed");
                }
                real.sync();
            }, () -> {
                record.closed().set(true);
                real.close();
            });
        }

        int opensOf(String name) {
            AtomicInteger n = opens.get(Path.of(name));
            return n == null ? 0 : n.get();
        }
    }

    @Test
    void aLoneAppenderUnderAlwaysOpensItsStoresSyncDescriptorOnceNotOncePerFsync() {
        SyncCountingDisk disk = new SyncCountingDisk();
        try (FileStorageEngine engine = Engines.open(dir, 1 << 20, FsyncPolicy.ALWAYS, disk)) {
            for (int i = 0; i < 200; i++) {
                assertThat(engine.append(KEY, List.of(text("r" + i)))).isEqualTo(i);
            }
            assertThat(engine.metrics().get("fsyncs_total")).as("one fsync per append").isGreaterThanOrEqualTo(200);
            assertThat(disk.opensOf(SegmentName.storeFile(dir, 0).getFileName().toString())).isEqualTo(1);
        }
        assertThat(disk.opened).as("every descriptor is closed with the engine")
                .allSatisfy(o -> assertThat(o.closed()).isTrue());
    }

    @Test
    void aFileRenamedOverTheNameIsSyncedThroughADescriptorOfItsOwnNotTheOldOne() throws IOException {
        SyncCountingDisk disk = new SyncCountingDisk();
        Path path = dir.resolve("segment_0.index");
        disk.createNew(path).close();
        try (OpenFiles files = new OpenFiles(disk, 64)) {
            BufferedFile file = new BufferedFile(files, path, 0);
            Engines.writeFlushed(file, "old");
            file.force();
            file.replaceWith("new content".getBytes(java.nio.charset.StandardCharsets.UTF_8)); // renamed over the name
            Engines.writeFlushed(file, " and more");
            file.force();
            assertThat(disk.opened).hasSize(2);
            assertThat(disk.opened.get(0).closed()).as("the old file's descriptor is closed at the rename").isTrue();
            Object now = Files.readAttributes(path, java.nio.file.attribute.BasicFileAttributes.class).fileKey();
            assertThat(disk.opened.get(1).fileKey()).as("the fsync reached the file now at the name").isEqualTo(now)
                    .isNotEqualTo(disk.opened.get(0).fileKey());
        }
    }

    @Test
    void aDeletedAndRecreatedFileGetsANewDescriptor() throws IOException {
        SyncCountingDisk disk = new SyncCountingDisk();
        Path path = dir.resolve("segment_0.store");
        disk.createNew(path).close();
        try (OpenFiles files = new OpenFiles(disk, 64)) {
            BufferedFile first = new BufferedFile(files, path, 0);
            Engines.writeFlushed(first, "first");
            first.force();
            first.delete();
            disk.createNew(path).close(); // a later segment at the same name (a failed roll's retry)
            BufferedFile second = new BufferedFile(files, path, 0);
            Engines.writeFlushed(second, "second");
            second.force();
            Object now = Files.readAttributes(path, java.nio.file.attribute.BasicFileAttributes.class).fileKey();
            assertThat(disk.opened).hasSize(2);
            assertThat(disk.opened.get(1).fileKey()).isEqualTo(now);
            assertThat(disk.opened.get(0).closed()).isTrue();
        }
    }

    @Test
    void aDescriptorWhoseFsyncFailedIsClosedAndNeverUsedAgain() throws IOException {
        SyncCountingDisk disk = new SyncCountingDisk();
        Path path = dir.resolve("segment_0.store");
        disk.createNew(path).close();
        try (OpenFiles files = new OpenFiles(disk, 64)) {
            files.force(path, () -> false);
            disk.failNextSync.set(true);
            assertThatThrownBy(() -> files.force(path, () -> false)).isInstanceOf(IOException.class).hasMessageContaining("injected");
            assertThat(disk.opened.get(0).closed()).as("closed at the failure").isTrue();
            files.force(path, () -> false);
            assertThat(disk.opened).as("a new descriptor").hasSize(2);
        }
    }

    @Test
    void underAlwaysAFailedFsyncFailsThePartitionClosedEvenWithItsDescriptorKept() {
        SyncCountingDisk disk = new SyncCountingDisk();
        try (FileStorageEngine engine = Engines.open(dir, 1 << 20, FsyncPolicy.ALWAYS, disk)) {
            Engines.appendTexts(engine, KEY, 0, 3);
            disk.failNextSync.set(true);
            assertThatThrownBy(() -> engine.append(KEY, List.of(text("not durable")))).isInstanceOf(StorageFailedException.class);
            assertThatThrownBy(() -> engine.append(KEY, List.of(text("after")))).as("not retried into success")
                    .isInstanceOf(StorageFailedException.class);
        }
    }

    /** A sync descriptor that records its close. */
    private static final class Fake implements Disk.FileSync {
        final AtomicBoolean closed = new AtomicBoolean();

        @Override
        public void sync() {
        }

        @Override
        public boolean interruptible() {
            return false;
        }

        @Override
        public void close() {
            assertThat(closed.getAndSet(true)).as("closed once").isFalse();
        }
    }

    @Test
    void atMostCapacityAreKeptTheLeastRecentlyUsedGoFirstAndOneInUseClosesWhenReleased() throws IOException {
        SyncDescriptors syncs = new SyncDescriptors(2);
        Fake a = new Fake();
        Fake b = new Fake();
        Fake c = new Fake();
        syncs.release(syncs.acquire(Path.of("a"), () -> a), false);
        SyncDescriptors.Descriptor heldB = syncs.acquire(Path.of("b"), () -> b);
        syncs.release(syncs.acquire(Path.of("a"), () -> new Fake()), false); // a is found: used more recently than b
        syncs.release(syncs.acquire(Path.of("c"), () -> c), false); // b, the least recently used, goes
        assertThat(syncs.keptCount()).isEqualTo(2);
        assertThat(b.closed).as("in use: not closed under its user").isFalse();
        syncs.release(heldB, false);
        assertThat(b.closed).isTrue();
        assertThat(a.closed).isFalse();
        syncs.close();
        assertThat(a.closed).isTrue();
        assertThat(c.closed).isTrue();
    }

    @Test
    void oneOpenedWhileItsNameWasForgottenServesOneFsyncAndIsNotKept() throws IOException {
        SyncDescriptors syncs = new SyncDescriptors(4);
        Fake stale = new Fake();
        SyncDescriptors.Descriptor d = syncs.acquire(Path.of("a"), () -> {
            syncs.forget(Path.of("a")); // the file is deleted or renamed over while this one opens
            return stale;
        });
        assertThat(syncs.keptCount()).isZero();
        syncs.release(d, false);
        assertThat(stale.closed).isTrue();
        Fake fresh = new Fake();
        syncs.release(syncs.acquire(Path.of("a"), () -> fresh), false);
        assertThat(syncs.keptCount()).isEqualTo(1);
        syncs.close();
        assertThat(fresh.closed).isTrue();
    }

    @Test
    void aSmallOpenFilesBudgetKeepsNone() throws IOException {
        SyncDescriptors syncs = SyncDescriptors.forOpenFiles(4);
        Fake a = new Fake();
        syncs.release(syncs.acquire(Path.of("a"), () -> a), false);
        assertThat(a.closed).isTrue();
        assertThat(SyncDescriptors.forOpenFiles(1 << 20).keptCount()).isZero();
    }
}
