package storelog.store.file;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;
import org.junit.jupiter.api.Test;

/**
 * The appenders a sync made durable wake one another ({@link GroupCommitter#release}): every one of
 * them must return, however many, and an append that was begun and is not waited for (yet) must
 * hold up no one — its thread is not waiting to pass the wake-up on.
 */
class GroupCommitterWakeTest {

    private static final int APPENDERS = 64;

    private final ReentrantLock partition = new ReentrantLock();
    private final AtomicLong written = new AtomicLong();
    private final AtomicReference<GroupCommitter> committer = new AtomicReference<>();

    GroupCommitterWakeTest() {
        GroupCommitter.SyncExecutor loops = loop -> Thread.ofPlatform().daemon().start(loop);
        committer.set(new GroupCommitter(() -> committer.get().advance(written.get()), loops));
    }

    /** Writes one record and registers for it, as an append does under the partition lock. */
    private GroupCommitter.Waiter append(boolean awaitsAtOnce) {
        partition.lock();
        try {
            return committer.get().register(written.incrementAndGet(), awaitsAtOnce);
        } finally {
            partition.unlock();
        }
    }

    @Test
    void everyAppenderOfManyReturnsAppendAfterAppend() throws Exception {
        List<Thread> appenders = new ArrayList<>();
        for (int i = 0; i < APPENDERS; i++) {
            appenders.add(Thread.ofVirtual().start(() -> {
                for (int n = 0; n < 200; n++) {
                    committer.get().await(append(true));
                }
            }));
        }
        for (Thread a : appenders) {
            assertThat(a.join(Duration.ofSeconds(60))).as("an appender still waits").isTrue();
        }
        assertThat(written.get()).isEqualTo(APPENDERS * 200L);
    }

    @Test
    void aBegunAppendNotWaitedForHoldsUpNoOne() throws Exception {
        CountDownLatch registered = new CountDownLatch(APPENDERS);
        CountDownLatch allRegistered = new CountDownLatch(1);
        CountDownLatch leads = new CountDownLatch(1);
        Thread leader = Thread.ofVirtual().start(() -> {
            GroupCommitter.Waiter own = append(true); // no sync runs: this one leads the next, once all are in
            leads.countDown();
            awaitQuietly(allRegistered);
            committer.get().await(own);
        });
        leads.await();
        GroupCommitter.Waiter begun = append(false); // this thread does not wait for it before the others return
        List<Thread> appenders = new ArrayList<>();
        for (int i = 0; i < APPENDERS; i++) {
            appenders.add(Thread.ofVirtual().start(() -> {
                GroupCommitter.Waiter own = append(true);
                registered.countDown();
                committer.get().await(own);
            }));
        }
        assertThat(registered.await(30, TimeUnit.SECONDS)).isTrue();
        allRegistered.countDown(); // one sync now covers them all, the begun append among them

        for (Thread a : appenders) {
            assertThat(a.join(Duration.ofSeconds(30))).as("an appender still waits").isTrue();
        }
        assertThat(leader.join(Duration.ofSeconds(30))).isTrue();
        committer.get().await(begun); // durable already: returns at once
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
