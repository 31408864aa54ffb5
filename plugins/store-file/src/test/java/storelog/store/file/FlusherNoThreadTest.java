package storelog.store.file;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
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
 */
class FlusherNoThreadTest {

    private static final PartitionKey KEY = PartitionKey.of("no-flusher-thread");

    /** A flusher whose thread cannot start. */
    private static Flusher withoutThread() {
        return withoutThread(FsyncPolicy.ALWAYS);
    }

    private static Flusher withoutThread(FsyncPolicy fsync) {
        return new Flusher(fsync.flushDelayNanos(), task -> new Thread(task) {
            @Override
            public synchronized void start() {
                throw new OutOfMemoryError("injected: unable to create native thread");
            }
        });
    }

    @Test
    void appendsUnderAlwaysAreAcknowledgedWhenTheFlusherThreadCannotStart(TestInfo test) throws Exception {
        try (FileStorageEngine engine = FileStorageEngine.open(Engines.config(TestData.directory(test), 1 << 20, FsyncPolicy.ALWAYS),
                Disk.LOCAL, true, withoutThread());
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
            assertThat(engine.flusher().queued()).as("looks no thread will take are not left queued, one per sync").isZero();
        }
    }

    /**
     * Under {@code interval}/{@code never} an append's records are visible, and acknowledged, before it
     * asks the flusher for a pass: a flusher thread that cannot start must not fail the append (it used
     * to reach the appender as an Error, and leave the partition marked as scheduled, never flushed
     * again); the records stay buffered, the next append asks again, and the close writes them.
     */
    @ParameterizedTest
    @ValueSource(strings = {"never", "interval:5"})
    void appendsUnderIntervalOrNeverAreAcknowledgedAndWrittenAtTheCloseWhenTheFlusherThreadCannotStart(String policy,
            TestInfo test) {
        FsyncPolicy fsync = FsyncPolicy.parse(policy);
        Path data = TestData.directory(test);
        try (LogCapture log = new LogCapture(BackgroundFlush.class);
             FileStorageEngine engine = FileStorageEngine.open(Engines.config(data, 1 << 20, fsync), Disk.LOCAL, true,
                     withoutThread(fsync))) {
            assertThat(engine.append(KEY, List.of(Engines.text("first")))).isZero();
            assertThat(engine.append(KEY, List.of(Engines.text("second")))).isEqualTo(1);
            assertThat(Engines.texts(engine, KEY)).containsExactly("first", "second");
            assertThat(engine.flusher().queued()).as("no pass left queued for a thread that does not exist").isZero();
            assertThat(log.text()).contains("the background flusher could not start");
        }
        try (FileStorageEngine engine = Engines.open(data, 1 << 20, FsyncPolicy.ALWAYS)) {
            assertThat(Engines.texts(engine, KEY)).containsExactly("first", "second");
        }
    }
}
