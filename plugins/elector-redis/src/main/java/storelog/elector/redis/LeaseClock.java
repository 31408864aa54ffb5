package storelog.elector.redis;

import java.time.Duration;

/**
 * The lease's time rules (docs/cluster.md "Redis: a lease"), all on the monotonic clock
 * ({@link System#nanoTime()}), so a wall-clock step changes nothing. Thread-safe (immutable).
 *
 * <ul>
 *   <li><b>Deadline.</b> A command that confirmed the lease (the win, a renewal) and was <em>sent</em>
 *       at {@code s} lets the owner lead until {@code s + TTL − TTL/100 − 100 ms}. Redis set the key's
 *       expiry to {@code TTL} when it ran the command, which was after {@code s}: whatever the network
 *       delay, the key lives at least until {@code s + TTL}. The {@value #RATE_PERCENT} % covers a clock
 *       running that much faster here than Redis's, the {@link #MARGIN} the time between a caller's
 *       {@code leadership()} check and its action. A paused process sees the deadline passed at its
 *       first check after it resumes.</li>
 *   <li><b>Hold on a Redis that lost its data.</b> A winner that found no epoch key leads only from
 *       {@code r + TTL + TTL/100}, {@code r} the moment the answer was <em>received</em>: every earlier
 *       holder confirmed its lease before Redis lost it, hence before {@code r}, and has passed its
 *       deadline by then.</li>
 *   <li><b>Usable.</b> Until {@code s + 2 × TTL/3} after the last answered command sent at {@code s}: two
 *       renewal rounds.</li>
 *   <li><b>A follower's view</b> of who leads is good until {@code s + TTL} after the read sent at
 *       {@code s}: the key it saw cannot outlive that unless renewed, which the next read shows.</li>
 * </ul>
 *
 * @param ttlNanos {@code LEADER_TTL} in nanoseconds
 */
record LeaseClock(long ttlNanos) {

    /** The clock-rate difference covered, in percent. */
    static final int RATE_PERCENT = 1;
    /** Subtracted from every deadline, besides the clock-rate share. */
    static final Duration MARGIN = Duration.ofMillis(100);

    static LeaseClock of(long ttlMillis) {
        return new LeaseClock(Duration.ofMillis(ttlMillis).toNanos());
    }

    /** Until when a lease confirmed by a command sent at {@code sent} may be acted on. */
    long deadline(long sent) {
        return sent + ttlNanos - ttlNanos * RATE_PERCENT / 100 - MARGIN.toNanos();
    }

    /** From when a winner on a Redis without its epoch key may act, the answer received at {@code received}. */
    long holdEnd(long received) {
        return received + ttlNanos + ttlNanos * RATE_PERCENT / 100;
    }

    /** Until when an answer to a command sent at {@code sent} keeps the elector usable. */
    long usableUntil(long sent) {
        return sent + 2 * (ttlNanos / 3);
    }

    /** Until when the leader read by a command sent at {@code sent} is reported. */
    long observedUntil(long sent) {
        return sent + ttlNanos;
    }

    /** Whether monotonic instant {@code a} is before {@code b} (overflow-safe, as nanoTime requires). */
    static boolean before(long a, long b) {
        return a - b < 0;
    }
}
