package storelog.store.file;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The flusher's single thread runs every later pass of every partition: a pass that throws, and whose
 * report then throws too (an OutOfMemoryError while building the message or logging the stack trace,
 * as the heap exhaustion that failed the pass makes likely), must not end it. It used to: the thread
 * died, {@link Flusher#running} went on answering true, so no append ever started another, and every
 * partition's buffered records stayed in memory (never written, never fsynced under interval) until the
 * close, however long the server ran.
 */
class FlusherThreadSurvivesTest {

    /** A pass that throws once, then works; its name throws while the heap is "exhausted". */
    private static final class Failing implements Flusher.Task {
        final AtomicInteger passes = new AtomicInteger();
        final CountDownLatch retried = new CountDownLatch(1);

        @Override
        public String name() {
            if (passes.get() == 1) {
                throw new OutOfMemoryError("injected: Java heap space (while reporting the failed pass)");
            }
            return "failing";
        }

        @Override
        public boolean flushDue() {
            if (passes.incrementAndGet() == 1) {
                throw new OutOfMemoryError("injected: Java heap space");
            }
            retried.countDown();
            return false;
        }

        @Override
        public boolean syncSealed() {
            return false;
        }
    }

    private static final class Counting implements Flusher.Task {
        final CountDownLatch ran = new CountDownLatch(1);

        @Override
        public String name() {
            return "counting";
        }

        @Override
        public boolean flushDue() {
            ran.countDown();
            return false;
        }

        @Override
        public boolean syncSealed() {
            ran.countDown();
            return false;
        }
    }

    @Test
    void aPassWhoseFailureCannotBeReportedNeitherEndsTheThreadNorIsLost() throws Exception {
        Flusher flusher = new Flusher(TimeUnit.MILLISECONDS.toNanos(1));
        try {
            Failing failing = new Failing();
            flusher.schedule(failing);
            Counting other = new Counting();
            Thread.sleep(200); // the failing pass ran (and its report failed)
            flusher.schedule(other);
            assertThat(other.ran.await(10, TimeUnit.SECONDS)).as("a later partition's pass ran").isTrue();
            assertThat(failing.retried.await(10, TimeUnit.SECONDS)).as("the failed pass was tried again").isTrue();
        } finally {
            flusher.close();
        }
    }
}
