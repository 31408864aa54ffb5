package storelog.store.file;

import static org.assertj.core.api.Assertions.assertThat;
import static storelog.store.file.Engines.text;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import storelog.api.PartitionKey;
import storelog.testkit.TestData;

/**
 * Under {@code FSYNC=always}, appenders of many partitions at once (a slow disk: every fsync takes a
 * while) must not cost a platform thread each: a lone appender runs its own sync, and its fsync is
 * handed to {@link Uninterruptible}'s unbounded pool (the appender is not one of the engine's own
 * threads), so N partitions with one waiting appender each hold N platform threads blocked in fsync
 * (10,000 partitions: 10,000 threads, past a container's pids limit; the thread that cannot be created
 * ends the fsync in an OutOfMemoryError, GroupCommitErrorTest). Before the group-commit change the
 * engine's syncs ran on 4 threads. Fixed: the hand-off pool holds at most
 * {@link Uninterruptible#MAX_THREADS} threads; more fsyncs wait in line.
 */
class SyncThreadBoundTest {

    private static final int PARTITIONS = 128;
    /** Generous: more than enough threads for a disk's queue depth. */
    private static final int MAX_THREADS = 32;

    /** Store fsyncs block until released, once armed; counts those blocked. */
    private static final class SlowForces extends StoreForceHook {
        volatile boolean armed;
        final AtomicInteger blocked = new AtomicInteger();
        final CountDownLatch release = new CountDownLatch(1);

        @Override
        void beforeForce(Path file) {
            if (armed) {
                blocked.incrementAndGet();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }

    @Test
    void appendersOfManyPartitionsAtOnceDoNotHoldAPlatformThreadEach(TestInfo test) throws Exception {
        SlowForces disk = new SlowForces();
        try (FileStorageEngine engine = Engines.open(TestData.directory(test), 1 << 20, FsyncPolicy.ALWAYS, disk);
             ExecutorService appenders = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < PARTITIONS; i++) {
                engine.append(PartitionKey.of("p" + i), List.of(text("created")));
            }
            disk.armed = true;
            List<Future<Long>> appends = new ArrayList<>();
            for (int i = 0; i < PARTITIONS; i++) {
                PartitionKey key = PartitionKey.of("p" + i);
                appends.add(appenders.submit(() -> engine.append(key, List.of(text("waits")))));
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (disk.blocked.get() < PARTITIONS && System.nanoTime() < deadline) {
                Thread.onSpinWait(); // a bounded engine never gets them all into fsync: the deadline ends the wait
            }
            long threads = Thread.getAllStackTraces().keySet().stream()
                    .filter(t -> t.getName().startsWith("storelog-")).count();
            disk.release.countDown();
            for (Future<Long> f : appends) {
                f.get(30, TimeUnit.SECONDS);
            }
            assertThat(threads).as("the engine's platform threads while %d partitions' appenders wait (%d fsyncs at once)",
                    PARTITIONS, disk.blocked.get()).isLessThanOrEqualTo(MAX_THREADS);
        }
    }
}
