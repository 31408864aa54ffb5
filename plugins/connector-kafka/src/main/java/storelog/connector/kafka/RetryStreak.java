package storelog.connector.kafka;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;

/**
 * A run of consecutive failures of one kind (a handler, polls, commits) of one subscription: logs
 * its first failure (WARNING, with the stack trace) and its end (INFO, with the number of failures),
 * nothing in between, and gives the back-off before the next attempt: {@value #FIRST_BACKOFF_MILLIS}
 * ms, doubling up to {@value #MAX_BACKOFF_MILLIS} ms. Used by the subscription's consumer thread
 * only, so not thread-safe.
 */
final class RetryStreak {

    private static final Logger LOG = System.getLogger(RetryStreak.class.getName());
    static final long FIRST_BACKOFF_MILLIS = 100;
    static final long MAX_BACKOFF_MILLIS = 5_000;

    private final String what;
    private final String then;
    private long failures;
    private long nextBackoff = FIRST_BACKOFF_MILLIS;

    /**
     * @param what what fails, e.g. {@code handler of kafka subscription t (group g)}
     * @param then what happens after a failure, for the first log line
     */
    RetryStreak(String what, String then) {
        this.what = what;
        this.then = then;
    }

    /** Records a failure on {@code where} (a message source, or null); returns the back-off in ms. */
    long failed(String where, Throwable failure) {
        if (failures++ == 0) {
            LOG.log(Level.WARNING, what + " failed" + (where == null ? "" : " on " + where) + "; " + then
                    + " (retries back off from " + FIRST_BACKOFF_MILLIS + " ms to " + MAX_BACKOFF_MILLIS
                    + " ms; further failures are counted, not logged, until one succeeds)", failure);
        }
        long backoff = nextBackoff;
        nextBackoff = Math.min(MAX_BACKOFF_MILLIS, nextBackoff * 2);
        return backoff;
    }

    /** Ends the streak, if any, with a success on {@code where}. */
    void succeeded(String where) {
        if (failures > 0) {
            LOG.log(Level.INFO, what + " succeeded" + (where == null ? "" : " on " + where) + " after " + failures
                    + " failed attempt(s)");
            reset();
        }
    }

    /** Ends the streak, if any, because the subscription closes. */
    void closing(String why) {
        if (failures > 0) {
            LOG.log(Level.INFO, what + " had failed " + failures + " time(s) in a row when the subscription closed; "
                    + why);
            reset();
        }
    }

    boolean failing() {
        return failures > 0;
    }

    private void reset() {
        failures = 0;
        nextBackoff = FIRST_BACKOFF_MILLIS;
    }
}
