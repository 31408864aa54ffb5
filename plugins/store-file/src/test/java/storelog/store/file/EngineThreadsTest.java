package storelog.store.file;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * The engine's own threads: they run uninterruptible file operations themselves (no hand-off), any
 * other thread — or an own thread somebody interrupted — hands them to an I/O thread; the background
 * flusher survives a task that throws an {@link Error} and tries that task again.
 */
class EngineThreadsTest {

    @Test
    void ownThreadsRunOperationsThemselvesOthersHandThemOff() throws Exception {
        AtomicReference<Thread> ranOn = new AtomicReference<>();
        Uninterruptible.run(() -> ranOn.set(Thread.currentThread()));
        assertNotSame(Thread.currentThread(), ranOn.get(), "a test thread is not the engine's: handed off");
        assertTrue(ranOn.get().getName().startsWith("storelog-io-"), ranOn.get().getName());

        CompletableFuture<Thread[]> own = new CompletableFuture<>();
        Uninterruptible.threads("test-own-").newThread(() -> {
            try {
                AtomicReference<Thread> inline = new AtomicReference<>();
                Uninterruptible.run(() -> inline.set(Thread.currentThread()));
                Thread.currentThread().interrupt();
                AtomicReference<Thread> interrupted = new AtomicReference<>();
                Uninterruptible.run(() -> interrupted.set(Thread.currentThread()));
                boolean stillInterrupted = Thread.interrupted();
                own.complete(new Thread[] {Thread.currentThread(), inline.get(), interrupted.get(), stillInterrupted ? Thread.currentThread() : null});
            } catch (Throwable e) {
                own.completeExceptionally(e);
            }
        }).start();
        Thread[] seen = own.get(10, TimeUnit.SECONDS);
        assertSame(seen[0], seen[1], "an own thread runs the operation itself");
        assertNotSame(seen[0], seen[2], "an interrupted own thread hands the operation off (its channel would close)");
        assertSame(seen[0], seen[3], "the interrupt is kept for its owner");
    }

    @Test
    void theFlusherOutlivesAnErrorAndTriesTheTaskAgain() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        CountDownLatch secondCall = new CountDownLatch(1);
        Flusher.Task task = new Flusher.Task() {
            @Override
            public String name() {
                return "failing-once";
            }

            @Override
            public boolean flushDue() {
                if (calls.incrementAndGet() == 1) {
                    throw new OutOfMemoryError("simulated");
                }
                secondCall.countDown();
                return false;
            }

            @Override
            public boolean syncSealed() {
                return false;
            }
        };
        try (LogCapture log = new LogCapture(Flusher.class); Flusher flusher = new Flusher(0)) {
            flusher.schedule(task);
            assertTrue(secondCall.await(10, TimeUnit.SECONDS), "the flusher never came back to the task after the Error");
            assertEquals(2, calls.get());
            assertTrue(log.text().contains("failing-once"), log.text());
        }
    }
}
