package storelog.server;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;
import sun.misc.Signal;

/**
 * SIGTERM and SIGINT for {@code storelog serve}:
 * <ol>
 *   <li>the first starts the orderly shutdown (stop accepting, finish in-flight requests, close the
 *       engine with its clean-shutdown marker), which the process waits for before exiting 0;</li>
 *   <li>a second while it runs only says what it is doing: an impatient second Ctrl-C must not cut
 *       the engine's close short — under {@code FSYNC=interval} or {@code never} that would lose
 *       acknowledged records;</li>
 *   <li>a third exits at once with code {@value #FORCED_EXIT}, logging what it skipped.</li>
 * </ol>
 * A shutdown that takes longer than {@value #SHUTDOWN_LIMIT_SECONDS} s is cut short the same way.
 * Thread-safe: each signal arrives on a thread of its own.
 */
final class ShutdownSignals {

    static final int SHUTDOWN_LIMIT_SECONDS = 10;
    /** Exit code of a shutdown cut short. */
    static final int FORCED_EXIT = 1;
    /** Exit code after the HTTP listener stopped by itself (the orderly shutdown ran). */
    static final int HTTP_LOST_EXIT = 3;
    private static final Logger LOG = System.getLogger(ShutdownSignals.class.getName());

    private final StoreLogServer server;
    private final IntConsumer halt;
    private final AtomicInteger received = new AtomicInteger();
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile int exitCode;

    /** @param halt ends the process at once with an exit code ({@code Runtime::halt}) */
    ShutdownSignals(StoreLogServer server, IntConsumer halt) {
        this.server = server;
        this.halt = halt;
    }

    /** Handles SIGTERM and SIGINT from now on. */
    void install() {
        for (String name : new String[] {"TERM", "INT"}) {
            Signal.handle(new Signal(name), signal -> received("SIG" + name));
        }
    }

    /** Waits until the shutdown a signal started has finished. */
    void awaitStopped() throws InterruptedException {
        stopped.await();
    }

    /** The exit code once {@link #awaitStopped} returned: 0, or {@link #HTTP_LOST_EXIT}. */
    int exitCode() {
        return exitCode;
    }

    /**
     * The HTTP listener stopped by itself: the node serves no one, so it shuts down in order as on a
     * first signal and exits {@link #HTTP_LOST_EXIT} (a supervisor restarts it); a signal after this
     * counts as a second one. After a signal it changes nothing: neither the exit code nor the count.
     */
    void httpLost(String why) {
        // only as the first: after a signal its shutdown runs and exits 0, and a later signal stays the second
        if (received.compareAndSet(0, 1)) {
            exitCode = HTTP_LOST_EXIT;
            LOG.log(Level.ERROR, "{0}: shutting down, then exiting with code {1}", why, HTTP_LOST_EXIT);
            Thread.ofPlatform().name("storelog-shutdown").start(this::shutDown);
        }
    }

    /** One signal arrived (named like {@code SIGTERM}). */
    void received(String signal) {
        int n = received.incrementAndGet();
        if (n == 1) {
            LOG.log(Level.INFO, "{0}: shutting down", signal);
            Thread.ofPlatform().name("storelog-shutdown").start(this::shutDown);
        } else if (n == 2) {
            LOG.log(Level.WARNING, "{0} again: still shutting down, now {1}; a third signal exits at once, skipping that",
                    signal, server.step().description());
        } else {
            cutShort(signal + " a third time");
        }
    }

    private void shutDown() {
        Thread watchdog = Thread.ofPlatform().daemon().name("storelog-shutdown-watchdog").start(() -> {
            try {
                if (!stopped.await(SHUTDOWN_LIMIT_SECONDS, TimeUnit.SECONDS)) {
                    cutShort("shutdown took longer than " + SHUTDOWN_LIMIT_SECONDS + " s");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        try {
            server.close();
        } finally {
            stopped.countDown();
            watchdog.interrupt();
        }
    }

    private void cutShort(String why) {
        ShutdownStep step = server.step();
        if (step == ShutdownStep.DONE) {
            return; // finished meanwhile: the orderly exit follows
        }
        LOG.log(Level.ERROR, "{0}: exiting now with code {1}, skipping {2}; records acknowledged but not yet written "
                + "(FSYNC=interval or never) are lost, and the next start recovers as after a crash",
                why, FORCED_EXIT, step.withTheRest());
        halt.accept(FORCED_EXIT);
    }
}
