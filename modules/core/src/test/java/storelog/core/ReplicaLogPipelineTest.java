package storelog.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import storelog.api.NewRecord;
import storelog.api.OffsetMismatchException;
import storelog.api.PartitionKey;
import storelog.api.Record;
import storelog.api.Settings;
import storelog.api.StaleEpochException;
import storelog.api.spi.ForwardingStorageEngine;
import storelog.api.spi.Leadership;
import storelog.api.spi.StorageEngine;
import storelog.testkit.TestData;

/**
 * The follower's side of a pipelined push: requests of one partition that overtook each other, and
 * requests written behind others that still wait for their fsync ({@code FSYNC=always}). Each
 * request runs on a thread of its own, as the HTTP server runs them.
 */
class ReplicaLogPipelineTest {

    private static final PartitionKey KEY = PartitionKey.of("events");

    private StorageEngine engine;
    private EpochFence fence;
    private ReplicaLog replicas;
    /** Opened to let the fsync waits of the appends through (see {@link #gated()}). */
    private final CountDownLatch gate = new CountDownLatch(1);
    /** The offsets the follower began an append at, in order. */
    private final List<Long> begun = new CopyOnWriteArrayList<>();

    @BeforeEach
    void setUp(TestInfo test) {
        Path dir = TestData.directory(test);
        engine = PluginRegistry.bootLayer().storageEngine("file").open(Settings.of(Map.of("DATA_DIR", dir.toString())));
        fence = EpochFence.inMemory();
        replicas = new ReplicaLog(gated(), new LogService(engine, Clock.systemUTC()), fence, EpochCheck.BOUNDS,
                ReplicaLogTest.view(() -> Leadership.Role.FOLLOWER, fence), Clock.systemUTC());
    }

    @AfterEach
    void tearDown() {
        gate.countDown();
        engine.close();
    }

    /** The file engine, whose appends wait for {@link #gate} before they wait for their fsync. */
    private StorageEngine gated() {
        return new ForwardingStorageEngine(engine) {
            @Override
            public PendingAppend beginAppendAt(PartitionKey partition, long expectedOffset, long epoch, List<NewRecord> records) {
                PendingAppend written = delegate().beginAppendAt(partition, expectedOffset, epoch, records);
                begun.add(expectedOffset);
                return () -> {
                    try {
                        gate.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    return written.await();
                };
            }
        };
    }

    private static List<NewRecord> records(String prefix, int n) {
        return IntStream.range(0, n).mapToObj(i -> NewRecord.string(prefix + i, 1)).toList();
    }

    /** Sends on a thread of its own; the future ends as the request does. */
    private CompletableFuture<Long> sendAsync(long offset, long epoch, long prevEpoch, List<NewRecord> records, Thread[] thread) {
        CompletableFuture<Long> answer = new CompletableFuture<>();
        thread[0] = Thread.ofPlatform().daemon().start(() -> {
            try {
                answer.complete(replicas.replicate(new ReplicaLog.Batch(KEY, offset, epoch, epoch, prevEpoch, -1, records)));
            } catch (RuntimeException e) {
                answer.completeExceptionally(e);
            }
        });
        return answer;
    }

    private long send(long offset, long epoch, long prevEpoch, List<NewRecord> records) {
        return replicas.replicate(new ReplicaLog.Batch(KEY, offset, epoch, epoch, prevEpoch, -1, records));
    }

    private List<String> texts() {
        return engine.read(KEY, 0, 1000, Long.MAX_VALUE).stream().map(Record::text).toList();
    }

    private static void awaitBlocked(Thread thread) {
        // polled often: a request past the end waits only REORDER_WAIT_MILLIS before it gives up
        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(2)).until(() -> thread.getState() == Thread.State.WAITING
                || thread.getState() == Thread.State.TIMED_WAITING);
    }

    @Test
    void theNextRequestIsWrittenWhileTheOneBeforeItWaitsForItsFsync() throws Exception {
        Thread[] first = new Thread[1];
        Thread[] second = new Thread[1];
        CompletableFuture<Long> a = sendAsync(0, 3, -1, records("a", 2), first);
        await().atMost(Duration.ofSeconds(5)).until(() -> begun.size() == 1);

        CompletableFuture<Long> b = sendAsync(2, 3, 3, records("b", 2), second);

        await().atMost(Duration.ofSeconds(5)).until(() -> begun.size() == 2);
        assertThat(begun).containsExactly(0L, 2L);
        assertThat(a).as("not answered before its records are durable").isNotDone();
        assertThat(b).isNotDone();
        gate.countDown();
        assertThat(a.get(5, TimeUnit.SECONDS)).isEqualTo(2);
        assertThat(b.get(5, TimeUnit.SECONDS)).isEqualTo(4);
        assertThat(texts()).containsExactly("a0", "a1", "b0", "b1");
    }

    /**
     * A repeated request whose records were written by another that still waits for its fsync: it
     * must not answer that they are here before they are durable (the leader would count them held).
     */
    @Test
    void aRepeatedRequestIsAnsweredOnlyOnceWhatItSentIsDurable() throws Exception {
        Thread[] first = new Thread[1];
        Thread[] again = new Thread[1];
        CompletableFuture<Long> a = sendAsync(0, 3, -1, records("a", 2), first);
        await().atMost(Duration.ofSeconds(5)).until(() -> begun.size() == 1);

        CompletableFuture<Long> repeated = sendAsync(0, 3, -1, records("a", 2), again);
        awaitBlocked(again[0]);

        assertThat(repeated).isNotDone();
        gate.countDown();
        assertThat(repeated.get(5, TimeUnit.SECONDS)).isEqualTo(2);
        assertThat(a.get(5, TimeUnit.SECONDS)).isEqualTo(2);
        assertThat(begun).as("stored once").containsExactly(0L);
    }

    /** Connections may deliver pipelined requests out of order: one past the end waits for those before it. */
    @Test
    void aRequestThatOvertookTheOneBeforeItWaitsForItAndLandsAfterIt() throws Exception {
        gate.countDown();
        send(0, 3, -1, records("a", 2));
        Thread[] ahead = new Thread[1];
        CompletableFuture<Long> later = sendAsync(4, 3, 3, records("c", 1), ahead);
        awaitBlocked(ahead[0]);

        assertThat(later).as("waiting for offsets 2 and 3").isNotDone();
        assertThat(send(2, 3, 3, records("b", 2))).isEqualTo(4);

        assertThat(later.get(5, TimeUnit.SECONDS)).isEqualTo(5);
        assertThat(texts()).containsExactly("a0", "a1", "b0", "b1", "c0");
    }

    @Test
    void aRequestWhoseEarlierOneNeverComesIsRefusedAfterTheReorderWait() {
        gate.countDown();
        send(0, 3, -1, records("a", 2));
        long start = System.nanoTime();

        assertThatThrownBy(() -> send(3, 3, 3, records("b", 1)))
                .isInstanceOfSatisfying(OffsetMismatchException.class, e -> assertThat(e.nextOffset()).isEqualTo(2));
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(ReplicaLog.REORDER_WAIT_MILLIS));
        assertThat(texts()).hasSize(2);
    }

    /** A newer leader fenced this node while the request waited: it is not stored as the old leader's. */
    @Test
    void aRequestThatWaitedIsRefusedWhenANewerLeaderFencedThisNodeMeanwhile() {
        gate.countDown();
        send(0, 3, -1, records("a", 2));
        Thread[] ahead = new Thread[1];
        CompletableFuture<Long> later = sendAsync(3, 3, 3, records("c", 1), ahead);
        awaitBlocked(ahead[0]);

        replicas.state(4);
        send(2, 4, 3, records("b", 1)); // the new leader's record at 2 wakes the waiting request

        assertThat(catchThrowable(() -> later.get(5, TimeUnit.SECONDS))).hasCauseInstanceOf(StaleEpochException.class);
        assertThat(texts()).containsExactly("a0", "a1", "b0");
    }
}
