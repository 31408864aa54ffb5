package storelog.store.file;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import storelog.api.PartitionKey;
import storelog.testkit.TestData;

/**
 * Under {@code FSYNC=always} a sync asks the engine's flusher to look at the partition later (to drop
 * its idle write buffers), and the flusher's thread starts with that first request. When the thread
 * cannot be created (OutOfMemoryError: unable to create native thread, a container's pids limit), the
 * sync must still end its waiters: the Error used to escape the sync after it had taken the durable
 * appenders off the committer's queue, so they parked forever, and the partition's later appends with them.
 * Under {@code interval}/{@code never} no append, and no roll, may fail for it either, and no queued pass
 * may be forgotten: every pass waits until a later attempt starts the thread, or its partition closes.
 */
class FlusherNoThreadTest {

    private static final PartitionKey KEY = PartitionKey.of("no-flusher-thread");
    private static final PartitionKey OTHER = PartitionKey.of("other-partition");

    /**
     * Makes the flusher's thread, or fails to ({@code OutOfMemoryError}, as the JVM does when it cannot
     * create a native thread) while {@link #available} is false.
     */
    private static class Threads implements ThreadFactory {
        volatile boolean available;
        final AtomicInteger attempts = new AtomicInteger();

        @Override
        public Thread newThread(Runnable task) {
            attempts.incrementAndGet();
            return new Thread(task, "test-flusher") {
                @Override
                public synchronized void start() {
                    if (!available) {
                        throw new OutOfMemoryError("injected: unable to create native thread");
                    }
                    setDaemon(true);
                    super.start();
                }
            };
        }
    }

    private static FileStorageEngine open(Path data, long segmentBytes, FsyncPolicy fsync, ThreadFactory threads) {
        return FileStorageEngine.open(Engines.config(data, segmentBytes, fsync), Disk.LOCAL, true,
                new Flusher(fsync.flushDelayNanos(), threads));
    }

    @Test
    void appendsUnderAlwaysAreAcknowledgedWhenTheFlusherThreadCannotStart(TestInfo test) throws Exception {
        Threads threads = new Threads();
        try (FileStorageEngine engine = open(TestData.directory(test), 1 << 20, FsyncPolicy.ALWAYS, threads);
             ExecutorService appenders = Executors.newVirtualThreadPerTaskExecutor()) {
            CompletableFuture.runAsync(() -> engine.append(KEY, List.of(Engines.text("first")))).get(10, TimeUnit.SECONDS);
            List<Future<Long>> concurrent = new ArrayList<>();
            for (int i = 0; i < 32; i++) {
                String text = "c" + i;
                concurrent.add(appenders.submit(() -> engine.append(KEY, List.of(Engines.text(text)))));
            }
            for (Future<Long> f : concurrent) {
                f.get(10, TimeUnit.SECONDS);
            }
            CompletableFuture.runAsync(() -> engine.append(KEY, List.of(Engines.text("last")))).get(10, TimeUnit.SECONDS);
            assertThat(Engines.texts(engine, KEY)).hasSize(34).startsWith("first").endsWith("last");
            assertThat(engine.flusher().queued()).as("one look waits for the thread, not one per sync").isEqualTo(1);
            assertThat(threads.attempts).as("every sync tried to start the thread again").hasValueGreaterThan(2);

            threads.available = true;
            CompletableFuture.runAsync(() -> engine.append(KEY, List.of(Engines.text("after")))).get(10, TimeUnit.SECONDS);
            await("the waiting look ran on the thread that could start at last, and found the partition idle")
                    .atMost(Duration.ofSeconds(10)).until(() -> engine.flusher().queued() == 0);
            assertThat(Engines.texts(engine, KEY)).hasSize(35).endsWith("after");
        }
    }

    /**
     * Under {@code interval}/{@code never} an append's records are visible, and acknowledged, before it
     * asks the flusher for a pass: a flusher thread that cannot start must not fail the append (it used
     * to reach the appender as an Error, and leave the partition marked as scheduled, never flushed
     * again); the records stay buffered, their pass waits queued, and the close writes them.
     */
    @ParameterizedTest
    @ValueSource(strings = {"never", "interval:5"})
    void appendsUnderIntervalOrNeverAreAcknowledgedAndWrittenAtTheCloseWhenTheFlusherThreadCannotStart(String policy,
            TestInfo test) {
        FsyncPolicy fsync = FsyncPolicy.parse(policy);
        Path data = TestData.directory(test);
        Threads threads = new Threads();
        try (LogCapture log = new LogCapture(Flusher.class);
             FileStorageEngine engine = open(data, 1 << 20, fsync, threads)) {
            assertThat(engine.append(KEY, List.of(Engines.text("first")))).isZero();
            assertThat(engine.append(KEY, List.of(Engines.text("second")))).isEqualTo(1);
            assertThat(Engines.texts(engine, KEY)).containsExactly("first", "second");
            assertThat(engine.flusher().queued()).as("the partition's pass waits for a thread").isEqualTo(1);
            assertThat(threads.attempts).as("each append tried to start the thread").hasValue(2);
            assertThat(log.text()).contains("the background flusher thread could not start");
        }
        try (FileStorageEngine engine = Engines.open(data, 1 << 20, FsyncPolicy.ALWAYS)) {
            assertThat(Engines.texts(engine, KEY)).containsExactly("first", "second");
        }
    }

    /**
     * A roll hands the fsync of the segment it sealed to the flusher: with no flusher thread the roll
     * must not fail (the append that rolled used to fail, and its partition with it, so the close wrote
     * nothing); the sealed segments wait, the close forces them, and every record is there after.
     */
    @ParameterizedTest
    @ValueSource(strings = {"never", "interval:5"})
    void rollsUnderIntervalOrNeverSucceedWhenTheFlusherThreadCannotStart(String policy, TestInfo test) throws Exception {
        FsyncPolicy fsync = FsyncPolicy.parse(policy);
        Path data = TestData.directory(test);
        try (FileStorageEngine engine = open(data, 1024, fsync, new Threads())) {
            for (long i = 0; i < 3; i++) {
                assertThat(engine.append(KEY, List.of(Engines.sized(i, 600)))).isEqualTo(i);
            }
        }
        assertThat(Engines.storeFiles(data, KEY)).as("one segment per 600-byte record in 1 KiB segments").hasSize(3);
        try (FileStorageEngine engine = Engines.open(data, 1024, FsyncPolicy.ALWAYS)) {
            assertThat(Engines.texts(engine, KEY)).hasSize(3).allSatisfy(t -> assertThat(t).hasSize(600));
        }
    }

    /**
     * The records of a partition that got its appends while no thread could start, and none after, are
     * written once a later append of another partition starts the thread: its pass was kept queued (it
     * used to be dropped, the records left in memory until the close, however long the server ran).
     */
    @ParameterizedTest
    @ValueSource(strings = {"never", "interval:5"})
    void aPartitionIdleSinceTheFailedStartIsFlushedOnceAnotherStartsTheThread(String policy, TestInfo test) throws Exception {
        FsyncPolicy fsync = FsyncPolicy.parse(policy);
        Path data = TestData.directory(test);
        Threads threads = new Threads();
        try (FileStorageEngine engine = open(data, 1 << 20, fsync, threads)) {
            engine.append(KEY, List.of(Engines.sized(0, 500)));
            assertThat(Engines.storedBytes(data, KEY)).as("still buffered").isLessThan(500);

            threads.available = true;
            engine.append(OTHER, List.of(Engines.text("starts the thread")));
            await("the idle partition's records reached its file").atMost(Duration.ofSeconds(10))
                    .until(() -> Engines.storedBytes(data, KEY) > 500);
            await("every pass ran").atMost(Duration.ofSeconds(10)).until(() -> engine.flusher().queued() == 0);
        }
    }

    /**
     * Two partitions ask for their first passes while the flusher's first start is under way and then
     * fails: the second must not take the first's attempt for a running thread (its pass was then never
     * taken, and it never asked again), and its own attempt starts the thread once threads can be made.
     */
    @ParameterizedTest
    @ValueSource(strings = {"never", "interval:5"})
    void aPassQueuedDuringAFailingStartIsTakenOnceTheThreadStarts(String policy, TestInfo test) throws Exception {
        FsyncPolicy fsync = FsyncPolicy.parse(policy);
        Path data = TestData.directory(test);
        CountDownLatch firstAttempt = new CountDownLatch(1);
        CountDownLatch failFirst = new CountDownLatch(1);
        Threads threads = new Threads() {
            @Override
            public Thread newThread(Runnable task) {
                if (attempts.get() == 0) {
                    firstAttempt.countDown();
                    try {
                        failFirst.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    attempts.incrementAndGet();
                    throw new OutOfMemoryError("injected: unable to create native thread");
                }
                available = true;
                return super.newThread(task);
            }
        };
        try (FileStorageEngine engine = open(data, 1 << 20, fsync, threads)) {
            CompletableFuture<Long> first = CompletableFuture.supplyAsync(() -> engine.append(KEY, List.of(Engines.sized(0, 500))));
            assertThat(firstAttempt.await(10, TimeUnit.SECONDS)).isTrue();
            CompletableFuture<Long> second = CompletableFuture.supplyAsync(
                    () -> engine.append(OTHER, List.of(Engines.sized(1, 500))));
            failFirst.countDown();
            assertThat(first.get(10, TimeUnit.SECONDS)).isZero();
            assertThat(second.get(10, TimeUnit.SECONDS)).isZero();
            await("both partitions' records reached their files").atMost(Duration.ofSeconds(10))
                    .until(() -> Engines.storedBytes(data, KEY) > 500 && Engines.storedBytes(data, OTHER) > 500);
        }
    }
}
