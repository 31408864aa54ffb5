package storelog.store.file;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * The sync loop's thread cannot be started (OutOfMemoryError: unable to create native thread, the
 * cached pool of {@link SyncThreads} at its pids limit) while appenders still wait
 * after a lone appender's own sync: they must still be synced, not park forever behind a loop that
 * was "scheduled" but never ran.
 */
class GroupCommitterNoThreadTest {

    @Test
    void appendersWaitingWhenNoLoopThreadCanStartAreStillSynced() throws Exception {
        AtomicLong written = new AtomicLong();
        CountDownLatch syncStarted = new CountDownLatch(1);
        CountDownLatch secondRegistered = new CountDownLatch(1);
        AtomicReference<GroupCommitter> committer = new AtomicReference<>();
        GroupCommitter.SyncExecutor noThreads = task -> {
            throw new OutOfMemoryError("injected: unable to create native thread");
        };
        committer.set(new GroupCommitter(() -> {
            long point = written.get(); // what the flush covers
            syncStarted.countDown();
            try {
                secondRegistered.await(); // the second appender registers while this (the lone appender's) sync runs
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            committer.get().advance(point);
        }, noThreads));

        written.set(1);
        GroupCommitter.Waiter first = committer.get().register(1, false);
        CompletableFuture<Void> lone = CompletableFuture.runAsync(() -> committer.get().await(first));
        syncStarted.await();
        written.set(2);
        GroupCommitter.Waiter second = committer.get().register(2, false);
        secondRegistered.countDown();
        CompletableFuture<Void> waiting = CompletableFuture.runAsync(() -> committer.get().await(second));

        waiting.get(10, TimeUnit.SECONDS);
        lone.get(10, TimeUnit.SECONDS);
        assertThat(waiting).isDone();
    }
}
