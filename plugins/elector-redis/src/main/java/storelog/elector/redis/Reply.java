package storelog.elector.redis;

/**
 * The outcome of one Redis command, with when it was sent and when its answer (or failure) came, on
 * the monotonic clock: the lease is measured from {@code sent} ({@link LeaseClock}).
 *
 * @param value    the answer, when there was one
 * @param failure  why there was none (connection refused, timeout, error reply), or null
 * @param sent     {@link System#nanoTime()} just before the command was sent
 * @param received {@link System#nanoTime()} when it returned
 */
record Reply<T>(T value, RuntimeException failure, long sent, long received) {

    boolean answered() {
        return failure == null;
    }
}
