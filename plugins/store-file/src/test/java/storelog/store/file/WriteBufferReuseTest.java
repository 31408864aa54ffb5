package storelog.store.file;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static storelog.store.file.Engines.KEY;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import storelog.api.StorageFullException;
import storelog.testkit.TestData;

/**
 * Write buffers under {@code FSYNC=never}: a busy partition keeps them across the background flushes
 * and a roll hands the full segment's to the next one (allocating and growing them anew after every
 * flush and roll cost the single appender 3 % of its rate, bench/RESULTS.md); an idle partition still
 * drops them, so 10,000 partitions written once hold no buffers.
 */
class WriteBufferReuseTest {

    private static BufferedFile created(OpenFiles files, Path dir, String name) throws IOException {
        Path path = dir.resolve(name);
        Disk.LOCAL.createNew(path).close();
        return new BufferedFile(files, path, 0);
    }

    @Test
    void aRollHandsTheFullSegmentsEmptyBuffersToTheNextSegment(TestInfo test) throws Exception {
        Path dir = TestData.directory(test);
        try (OpenFiles files = new OpenFiles(Disk.LOCAL, 4)) {
            BufferedFile full = created(files, dir, "segment_0.store");
            Engines.writeFlushed(full, "the last records of the full segment");
            ByteBuffer its = full.reserve(0);
            BufferedFile successor = created(files, dir, "segment_1.store");

            successor.takeBuffer(full);

            assertThat(full.holdsBuffer()).isFalse();
            assertThat(successor.reserve(0)).isSameAs(its);
        }
    }

    @Test
    void aBufferThatStillHoldsBytesIsNotTaken(TestInfo test) throws Exception {
        Path dir = TestData.directory(test);
        try (OpenFiles files = new OpenFiles(Disk.LOCAL, 4)) {
            BufferedFile full = created(files, dir, "segment_0.store");
            full.reserve(8).put(0, new byte[8]);
            full.commit(8);
            BufferedFile successor = created(files, dir, "segment_1.store");

            successor.takeBuffer(full);

            assertThat(full.bufferedLength()).isEqualTo(8);
            assertThat(successor.holdsBuffer()).isFalse();
        }
    }

    @Test
    void aBusyPartitionKeepsItsBuffersAcrossTheBackgroundFlushesAndAnIdleOneDropsThem(TestInfo test) {
        try (FileStorageEngine engine = Engines.open(TestData.directory(test), 1 << 20, FsyncPolicy.NEVER)) {
            engine.append(KEY, List.of(Engines.text("first")));
            PartitionLog log = engine.inMemory(KEY);
            ReentrantLock lock = log.lock();
            boolean keptAfterAFlush = false;
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            for (int i = 0; !keptAfterAFlush && System.nanoTime() < deadline; i++) {
                engine.append(KEY, List.of(Engines.text("busy " + i)));
                lock.lock();
                try {
                    Segment active = log.active();
                    keptAfterAFlush = active.store().bufferedLength() == 0 && active.holdsBuffers();
                } finally {
                    lock.unlock();
                }
            }
            assertThat(keptAfterAFlush).as("the flusher wrote the buffer out and the busy partition kept it").isTrue();

            await("the idle partition drops its buffers").atMost(Duration.ofSeconds(10)).until(() -> {
                lock.lock();
                try {
                    return !log.active().holdsBuffers();
                } finally {
                    lock.unlock();
                }
            });
        }
    }

    @Test
    void aBufferGrownPastTheLimitForOneLargeRecordIsNotKeptAfterItsFlush(TestInfo test) throws Exception {
        Path dir = TestData.directory(test);
        try (OpenFiles files = new OpenFiles(Disk.LOCAL, 4)) {
            BufferedFile file = created(files, dir, "segment_0.store");
            int large = 4 * BufferedFile.MAX_BUFFER;
            file.reserve(large).put(0, new byte[large]);
            file.commit(large);

            file.flush();

            assertThat(file.holdsBuffer()).as("a busy partition keeps its buffers across flushes, and hands them on at a roll:"
                    + " one record of 64 MiB must not leave it 64 MiB while it stays busy").isFalse();
            assertThat(file.flushedSize()).isEqualTo(large);
        }
    }

    /**
     * Under {@code always} a partition keeps its write buffers while it syncs (a lone appender, one sync
     * per record, would otherwise allocate them anew for each), and the flusher drops them once it went a
     * whole look without a sync: an idle partition (10,000 written once) holds none.
     */
    @Test
    void underFsyncAlwaysABusyPartitionKeepsItsBuffersAndAnIdleOneDropsThem(TestInfo test) {
        try (FileStorageEngine engine = Engines.open(TestData.directory(test), 1 << 20, FsyncPolicy.ALWAYS)) {
            engine.append(KEY, List.of(Engines.text("first")));
            PartitionLog log = engine.inMemory(KEY);
            boolean keptAfterASync = holdsBuffers(log);
            for (int i = 0; i < 5 && !keptAfterASync; i++) { // the flusher drops them only after a whole look without a sync
                engine.append(KEY, List.of(Engines.text("more")));
                keptAfterASync = holdsBuffers(log);
            }
            assertThat(keptAfterASync).as("the buffers outlive the sync of the append that filled them").isTrue();
            await("dropped once idle").atMost(Duration.ofSeconds(20)).until(() -> !holdsBuffers(log));
            engine.append(KEY, List.of(Engines.text("after")));
            assertThat(Engines.texts(engine, KEY)).startsWith("first").endsWith("after");
            await("idle again").atMost(Duration.ofSeconds(20)).until(() -> !holdsBuffers(log));
        }
    }

    private static boolean holdsBuffers(PartitionLog log) {
        ReentrantLock lock = log.lock();
        lock.lock();
        try {
            return log.active().holdsBuffers();
        } finally {
            lock.unlock();
        }
    }

    @Test
    void anAppendRolledBackLeavesNoBuffersBehind(TestInfo test) {
        Faults disk = new Faults();
        try (FileStorageEngine engine = Engines.open(TestData.directory(test), 1 << 20, FsyncPolicy.ALWAYS, disk)) {
            engine.append(KEY, List.of(Engines.text("first")));
            disk.diskFull = true;
            assertThatThrownBy(() -> engine.append(KEY, List.of(Engines.text("not stored")))).isInstanceOf(StorageFullException.class);
            disk.diskFull = false;
            PartitionLog log = engine.inMemory(KEY);
            ReentrantLock lock = log.lock();
            lock.lock();
            try {
                assertThat(log.active().holdsBuffers()).as("the partition may stay idle from now").isFalse();
            } finally {
                lock.unlock();
            }
        }
    }
}
