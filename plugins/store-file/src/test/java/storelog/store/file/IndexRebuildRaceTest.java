package storelog.store.file;

import static org.assertj.core.api.Assertions.assertThat;
import static storelog.store.file.Engines.KEY;
import static storelog.store.file.Engines.text;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import storelog.testkit.TestData;

/**
 * A reader rebuilding a closed segment's damaged index (a lazy rebuild) while other threads read it,
 * or truncate the partition back into that segment and append to it: readers never keep the old
 * index, and the rebuild never replaces an index that appends have grown since.
 */
class IndexRebuildRaceTest {

    /** A local disk whose renames of index files wait at a gate (the rebuild's rename). */
    private static final class GatedRenames extends LocalDisk {
        final Faults.Gate gate = new Faults.Gate();

        @Override
        public void moveAtomically(Path source, Path target) throws IOException {
            if (target.getFileName().toString().endsWith(".index")) {
                gate.pass();
            }
            super.moveAtomically(source, target);
        }
    }

    private Path dir;
    private final GatedRenames disk = new GatedRenames();

    @BeforeEach
    void setUp(TestInfo test) {
        dir = TestData.directory(test);
    }

    @Test
    void aReaderThatOpensTheIndexWhileItIsReplacedReadsTheNewOne() throws Exception {
        Path path = dir.resolve("segment_0.index");
        Files.writeString(path, "old content");
        try (OpenFiles files = new OpenFiles(disk, 8)) {
            BufferedFile file = new BufferedFile(files, path, Files.size(path));
            disk.gate.arm();
            CompletableFuture<Void> replacing = CompletableFuture.runAsync(() -> {
                try {
                    file.replaceWith("new content".getBytes(StandardCharsets.UTF_8));
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            disk.gate.awaitBlocked(); // the new content is written, not yet renamed over the old
            assertThat(read(file)).isEqualTo("old content");
            disk.gate.release();
            replacing.get(30, TimeUnit.SECONDS);
            assertThat(read(file)).as("no reader keeps the replaced file open").isEqualTo("new content");
        }
    }

    private static String read(BufferedFile file) throws IOException {
        ByteBuffer dst = ByteBuffer.allocate((int) file.flushedSize());
        file.read(0, dst);
        return new String(dst.array(), StandardCharsets.UTF_8);
    }

    @Test
    void aTruncationBackIntoASegmentWhoseIndexAReaderRebuildsLosesNoAppendedRecord() throws Exception {
        long maxFileSize = 1200; // segment 0 past StoreWalk.WALK_BOUND: its reads use the index
        long segmentOneBase;
        try (FileStorageEngine engine = Engines.open(dir, maxFileSize, FsyncPolicy.ALWAYS)) {
            Engines.appendTexts(engine, KEY, 0, 40); // small records, then one that does not fit: segment 0 has room left
            segmentOneBase = engine.append(KEY, List.of(Engines.sized(40, 100)));
            Engines.appendTexts(engine, KEY, 41, 2);
        }
        assertThat(Engines.storeFiles(dir, KEY)).hasSize(2);
        assertThat(Files.size(Engines.store(dir, 0))).isGreaterThan(StoreWalk.WALK_BOUND);
        Path index = Engines.index(dir, 0);
        byte[] bytes = Files.readAllBytes(index);
        bytes[0] ^= 0x55; // a damaged header: the first reader rebuilds the index
        Files.write(index, bytes);

        try (FileStorageEngine engine = Engines.open(dir, maxFileSize, FsyncPolicy.ALWAYS, disk);
                ExecutorService threads = Executors.newFixedThreadPool(2)) {
            disk.gate.arm();
            CompletableFuture<String> reader = CompletableFuture.supplyAsync(() -> engine.read(KEY, 1).text(), threads);
            disk.gate.awaitBlocked(); // the rebuild is about to rename its index over the damaged one
            CompletableFuture<Long> writer = CompletableFuture.supplyAsync(() -> {
                engine.truncate(KEY, segmentOneBase); // segment 0 is active again
                return engine.append(KEY, List.of(text("after truncation")));
            }, threads);
            try {
                writer.get(2, TimeUnit.SECONDS); // done, or waiting for the rebuild: either is fine
            } catch (java.util.concurrent.TimeoutException waitsForTheRebuild) {
                // released below
            }
            disk.gate.release();
            assertThat(reader.get(30, TimeUnit.SECONDS)).isEqualTo("r1");
            assertThat(writer.get(30, TimeUnit.SECONDS)).isEqualTo(segmentOneBase);
            assertRecords(engine, segmentOneBase);
        }
        try (FileStorageEngine engine = Engines.open(dir, maxFileSize, FsyncPolicy.ALWAYS)) {
            assertRecords(engine, segmentOneBase);
        }
    }

    @Test
    void aSegmentMadeActiveAgainByATruncationHasItsNeverCheckedIndexRepairedBeforeAppendsExtendIt() throws Exception {
        long maxFileSize = 200;
        long segmentOneBase;
        try (FileStorageEngine engine = Engines.open(dir, maxFileSize, FsyncPolicy.ALWAYS)) {
            Engines.appendTexts(engine, KEY, 0, 4);
            segmentOneBase = engine.append(KEY, List.of(Engines.sized(4, 100)));
        }
        Path index = Engines.index(dir, 0);
        CrashShapesTest.truncate(index, Files.size(index) - IndexEntry.SIZE); // a short index: its last entry lost
        try (FileStorageEngine engine = Engines.open(dir, maxFileSize, FsyncPolicy.ALWAYS)) {
            engine.truncate(KEY, segmentOneBase);
            assertThat(engine.append(KEY, List.of(text("after truncation")))).isEqualTo(segmentOneBase);
            assertRecords(engine, segmentOneBase);
        }
    }

    /**
     * Two readers meet damaged entries of the same closed segment: one rebuilds the index, the other
     * waits for it and then reads the rebuilt entry — not the damaged one it read before, which would
     * answer {@code corrupt_record} for an intact record.
     */
    @Test
    void aReaderWaitingForAnotherReadersRebuildReadsTheRebuiltIndex() throws Exception {
        try (FileStorageEngine engine = Engines.open(dir, 1200, FsyncPolicy.ALWAYS)) {
            Engines.appendTexts(engine, KEY, 0, 100); // segment 0 closed, past StoreWalk.WALK_BOUND: its reads use the index
        }
        assertThat(Files.size(Engines.store(dir, 0))).isGreaterThan(StoreWalk.WALK_BOUND);
        Path index = Engines.index(dir, 0);
        byte[] bytes = Files.readAllBytes(index);
        bytes[(int) IndexEntry.positionOf(1) + 2] ^= 0x40; // entries of records 1 and 2 fail their checksums
        bytes[(int) IndexEntry.positionOf(2) + 2] ^= 0x40;
        Files.write(index, bytes);
        try (FileStorageEngine engine = Engines.open(dir, 1200, FsyncPolicy.ALWAYS, disk);
                ExecutorService threads = Executors.newFixedThreadPool(2)) {
            disk.gate.arm();
            CompletableFuture<String> first = CompletableFuture.supplyAsync(() -> engine.read(KEY, 1).text(), threads);
            disk.gate.awaitBlocked(); // the first reader's rebuild is about to rename the new index
            java.util.concurrent.atomic.AtomicReference<Thread> secondThread = new java.util.concurrent.atomic.AtomicReference<>();
            CompletableFuture<String> second = CompletableFuture.supplyAsync(() -> {
                secondThread.set(Thread.currentThread());
                return engine.read(KEY, 2).text();
            }, threads);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while ((secondThread.get() == null || secondThread.get().getState() != Thread.State.WAITING)
                    && System.nanoTime() < deadline) {
                Thread.onSpinWait(); // until the second reader waits for the rebuild
            }
            disk.gate.release();
            assertThat(first.get(30, TimeUnit.SECONDS)).isEqualTo("r1");
            assertThat(second.get(30, TimeUnit.SECONDS)).isEqualTo("r2");
        }
    }

    private static void assertRecords(FileStorageEngine engine, long truncatedAt) {
        assertThat(engine.info(KEY).orElseThrow().nextOffset()).isEqualTo(truncatedAt + 1);
        for (int i = 0; i < truncatedAt; i++) {
            assertThat(engine.read(KEY, i).text()).isEqualTo("r" + i);
        }
        assertThat(engine.read(KEY, truncatedAt).text()).isEqualTo("after truncation");
    }
}
