package storelog.store.file;

import static org.assertj.core.api.Assertions.assertThat;
import static storelog.store.file.Engines.KEY;
import static storelog.store.file.Engines.text;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import storelog.testkit.TestData;

/**
 * An appender (a virtual thread of a request) interrupted while its append rolls a segment — while
 * the new segment's directory entry is being forced: the interrupt closes no channel of that work
 * (it would fail the fsync, and the partition with it, for good), the append succeeds, the partition
 * stays writable.
 */
class InterruptedRollTest {

    /** A local disk whose directory fsyncs wait at a gate. */
    private static final class GatedDirectoryForces extends LocalDisk {
        final Faults.Gate gate = new Faults.Gate();

        @Override
        public void forceDirectory(Path dir) throws IOException {
            gate.pass();
            super.forceDirectory(dir);
        }
    }

    private Path dir;
    private final GatedDirectoryForces disk = new GatedDirectoryForces();
    private final Faults faults = new Faults();

    @BeforeEach
    void setUp(TestInfo test) {
        dir = TestData.directory(test);
    }

    @Test
    void anInterruptDuringTheRollsDirectoryFsyncFailsNeitherTheAppendNorThePartition() throws Exception {
        try (FileStorageEngine engine = Engines.open(dir, 100, FsyncPolicy.ALWAYS, disk)) {
            Engines.appendTexts(engine, KEY, 0, 3); // the segment is nearly full: the next append rolls
            disk.gate.arm();
            AtomicReference<Thread> appender = new AtomicReference<>();
            CompletableFuture<Long> append = new CompletableFuture<>();
            Thread.ofVirtual().start(() -> {
                appender.set(Thread.currentThread());
                try {
                    append.complete(engine.append(KEY, List.of(text("rolls"))));
                } catch (RuntimeException e) {
                    append.completeExceptionally(e);
                }
            });
            disk.gate.awaitBlocked();
            appender.get().interrupt(); // the request was cancelled
            disk.gate.release();
            assertThat(append.get(30, TimeUnit.SECONDS)).isEqualTo(3);
            assertThat(engine.append(KEY, List.of(text("r4")))).as("the partition stays writable").isEqualTo(4);
            assertThat(engine.read(KEY, 3).text()).isEqualTo("rolls");
        }
    }

    /**
     * An interrupted appender waiting for another's group commit parks like any other (it does not
     * spin on its interrupt, taking a core — with virtual threads, a carrier — for the whole fsync),
     * and is acknowledged once the fsync covered its record.
     */
    @Test
    void anInterruptedAppenderWaitingForAGroupCommitDoesNotSpin() throws Exception {
        try (FileStorageEngine engine = Engines.open(dir, 1 << 20, FsyncPolicy.ALWAYS, faults)) {
            Engines.appendTexts(engine, KEY, 0, 1);
            faults.storeForceGate.arm();
            CompletableFuture<Long> leader = new CompletableFuture<>();
            Thread.ofPlatform().start(() -> leader.complete(engine.append(KEY, List.of(text("leads")))));
            faults.storeForceGate.awaitBlocked(); // its fsync runs
            CompletableFuture<Long> follower = new CompletableFuture<>();
            Thread waiter = Thread.ofPlatform().start(() -> follower.complete(engine.append(KEY, List.of(text("waits")))));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (waiter.getState() != Thread.State.WAITING && System.nanoTime() < deadline) {
                Thread.onSpinWait(); // until it waits for the group commit
            }
            waiter.interrupt();
            int samples = 0;
            int running = 0;
            long wall = System.nanoTime();
            while (System.nanoTime() - wall < TimeUnit.MILLISECONDS.toNanos(300)) { // the measurement
                samples++;
                running += waiter.getState() == Thread.State.RUNNABLE ? 1 : 0;
                Thread.onSpinWait();
            }
            faults.storeForceGate.release();
            assertThat(leader.get(30, TimeUnit.SECONDS)).isEqualTo(1);
            assertThat(follower.get(30, TimeUnit.SECONDS)).isEqualTo(2);
            assertThat(running).as("samples of %d in which the interrupted waiter ran", samples).isLessThan(samples / 2);
        }
    }
}
