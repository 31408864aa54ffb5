package storelog.connector.channel;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.concurrent.TimeUnit;
import storelog.api.spi.Message;

/**
 * Counts and logs one subscription's handler failures without flooding the log: the first failure is
 * logged (WARNING) with its stack trace; later ones are counted in {@code handler_failures_total}
 * and summarised in one line, with the latest exception but no stack trace, at most once per
 * {@link #SUMMARY_INTERVAL_NANOS}, and once more when the subscription ends. Used only by the
 * subscription's delivery thread, so not thread-safe.
 */
final class HandlerFailures {

    private static final Logger LOG = System.getLogger(HandlerFailures.class.getName());
    static final long SUMMARY_INTERVAL_NANOS = TimeUnit.MINUTES.toNanos(1);

    private final String subscription;
    private final Counters counters;
    private boolean failedBefore;
    /** Failures not logged yet, and the latest of them. */
    private long unlogged;
    private Throwable latest;
    private long lastLogged;

    HandlerFailures(String subscription, Counters counters) {
        this.subscription = subscription;
        this.counters = counters;
    }

    /** A handler threw {@code failure} on {@code message}; delivery goes on with the next message. */
    void record(Message message, Throwable failure) {
        counters.handlerFailures.increment();
        long now = System.nanoTime();
        if (!failedBefore) {
            failedBefore = true;
            lastLogged = now;
            LOG.log(Level.WARNING, "handler of channel subscription " + subscription + " failed on message "
                    + message.source() + "; delivery goes on with the next message (further failures are counted"
                    + " in handler_failures_total and summarised at most once a minute)", failure);
            return;
        }
        unlogged++;
        latest = failure;
        if (now - lastLogged >= SUMMARY_INTERVAL_NANOS) {
            summarise();
            lastLogged = now;
        }
    }

    /** Logs the failures not logged yet, if any. */
    void summarise() {
        if (unlogged > 0) {
            LOG.log(Level.WARNING, "handler of channel subscription " + subscription + " failed " + unlogged
                    + " more time(s); latest: " + latest);
            unlogged = 0;
            latest = null;
        }
    }
}
