package storelog.discovery.gossip;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Waiting for a condition with a deadline, polling: tests never sleep as synchronisation. */
final class Eventually {

    private static final long POLL_MILLIS = 10;

    private Eventually() {
    }

    /**
     * Waits until {@code condition} holds and returns how long that took; fails after {@code within},
     * saying {@code what} and what {@code state} shows then.
     */
    static Duration within(Duration within, String what, BooleanSupplier condition, Supplier<?> state) {
        long start = System.nanoTime();
        long deadline = start + within.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("not within " + within.toMillis() + " ms: " + what + "; now: " + state.get());
            }
            try {
                Thread.sleep(POLL_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while waiting until " + what, e);
            }
        }
        return Duration.ofNanos(System.nanoTime() - start);
    }
}
