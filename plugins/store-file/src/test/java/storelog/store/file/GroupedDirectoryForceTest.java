package storelog.store.file;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import storelog.testkit.TestData;

/**
 * {@link GroupedDirectoryForce}: callers that ask while an fsync of the directory runs are not
 * covered by it (it may have started before their entries were made) and share the next one; a
 * failed fsync fails exactly the callers it covered.
 */
class GroupedDirectoryForceTest {

    private Path dir;
    private final CountingDisk disk = new CountingDisk();

    /** Counts directory fsyncs; the first can be held at a gate, chosen ones fail. */
    static final class CountingDisk extends LocalDisk {
        final Faults.Gate gate = new Faults.Gate();
        final AtomicInteger forces = new AtomicInteger();
        final Set<Integer> failing = ConcurrentHashMap.newKeySet();
        /** fsyncs that end in an Error (not an IOException): a thread the JVM could not create, an assertion. */
        final Set<Integer> erring = ConcurrentHashMap.newKeySet();

        @Override
        public void forceDirectory(Path dir) throws IOException {
            int n = forces.incrementAndGet();
            gate.pass();
            if (failing.contains(n)) {
                throw new IOException("injected directory fsync failure " + n);
            }
            if (erring.contains(n)) {
                throw new OutOfMemoryError("injected: unable to create native thread for fsync " + n);
            }
            super.forceDirectory(dir);
        }
    }

    @BeforeEach
    void setUp(TestInfo test) {
        dir = TestData.directory(test);
    }

    @Test
    void aLoneCallerForcesOnce() throws IOException {
        GroupedDirectoryForce force = new GroupedDirectoryForce(disk, dir);
        force.force();
        force.force();
        assertThat(disk.forces).hasValue(2);
    }

    @Test
    void callersThatAskDuringAnFsyncShareTheNextOne() throws Exception {
        GroupedDirectoryForce force = new GroupedDirectoryForce(disk, dir);
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            disk.gate.arm();
            Future<?> first = threads.submit(() -> call(force));
            disk.gate.awaitBlocked();
            List<Future<?>> later = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                later.add(threads.submit(() -> call(force)));
            }
            awaitWaiting(force, 5);
            assertThat(later).noneMatch(Future::isDone); // the fsync under way may predate their entries
            disk.gate.release();
            first.get(30, TimeUnit.SECONDS);
            for (Future<?> f : later) {
                f.get(30, TimeUnit.SECONDS);
            }
        }
        assertThat(disk.forces).as("one fsync for the first caller, one shared by the five that came during it").hasValue(2);
    }

    @Test
    void aFailedFsyncFailsTheCallersItCoveredAndNoOthers() throws Exception {
        GroupedDirectoryForce force = new GroupedDirectoryForce(disk, dir);
        disk.failing.add(2);
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            disk.gate.arm();
            Future<?> first = threads.submit(() -> call(force));
            disk.gate.awaitBlocked();
            List<Future<?>> covered = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                covered.add(threads.submit(() -> call(force)));
            }
            awaitWaiting(force, 3);
            disk.gate.release();
            first.get(30, TimeUnit.SECONDS); // fsync 1 succeeded
            for (Future<?> f : covered) { // fsync 2, theirs, failed
                assertThatThrownBy(() -> f.get(30, TimeUnit.SECONDS)).hasCauseInstanceOf(UnrecoverableWriteException.class)
                        .hasMessageContaining("injected directory fsync failure 2");
            }
        }
        force.force(); // a caller after the failure is not covered by it: it forces again
        assertThat(disk.forces).hasValue(3);
    }

    /**
     * An fsync that ends in an Error (not an IOException nor a RuntimeException) did not make the
     * directory durable: the callers it covered must not take their round for a success.
     */
    @Test
    void anFsyncEndingInAnErrorFailsEveryCallerItCovered() throws Exception {
        GroupedDirectoryForce force = new GroupedDirectoryForce(disk, dir);
        disk.erring.add(2);
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            disk.gate.arm();
            Future<?> first = threads.submit(() -> call(force));
            disk.gate.awaitBlocked();
            List<Future<?>> covered = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                covered.add(threads.submit(() -> call(force)));
            }
            awaitWaiting(force, 3);
            disk.gate.release();
            first.get(30, TimeUnit.SECONDS); // fsync 1 succeeded
            for (Future<?> f : covered) { // fsync 2, theirs, never completed
                assertThatThrownBy(() -> f.get(30, TimeUnit.SECONDS)).as("a caller covered by an fsync that threw an Error")
                        .isInstanceOf(java.util.concurrent.ExecutionException.class);
            }
        }
        assertThat(disk.forces).hasValue(2);
    }

    private static Void call(GroupedDirectoryForce force) throws IOException {
        force.force();
        return null;
    }

    /** Waits (bounded) until {@code n} callers wait for the fsync under way. */
    private static void awaitWaiting(GroupedDirectoryForce force, int n) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (force.waiting() < n) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("only " + force.waiting() + " callers wait, not " + n);
            }
            Thread.onSpinWait();
            Thread.yield();
        }
    }
}
