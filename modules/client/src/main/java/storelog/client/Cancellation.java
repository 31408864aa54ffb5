package storelog.client;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A way to abandon the exchange a thread is waiting on from another thread: {@link #cancel()}
 * cancels the exchange in flight and every later one, and the waiting thread sees a
 * {@link java.util.concurrent.CancellationException}. Thread-safe.
 */
final class Cancellation {

    /** A cancellation that is never cancelled, for ordinary requests. */
    static final Cancellation NONE = new Cancellation();

    private final AtomicReference<CompletableFuture<?>> inFlight = new AtomicReference<>();
    private volatile boolean cancelled;

    /** Registers the exchange now in flight; cancels it at once when {@link #cancel()} came first. */
    void track(CompletableFuture<?> exchange) {
        if (this == NONE) {
            return;
        }
        inFlight.set(exchange);
        if (cancelled) {
            exchange.cancel(true);
        }
    }

    void cancel() {
        if (this == NONE) {
            return;
        }
        cancelled = true;
        CompletableFuture<?> exchange = inFlight.get();
        if (exchange != null) {
            exchange.cancel(true);
        }
    }

    boolean isCancelled() {
        return cancelled;
    }
}
