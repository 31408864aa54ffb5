package storelog.connector.kafka;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * A connector's running totals, shared by its subscriptions. Thread-safe.
 *
 * <ul>
 *   <li>{@code published_total}: publishes the brokers acknowledged;</li>
 *   <li>{@code publish_failures_total}: publishes that threw {@link storelog.api.spi.ConnectorException};</li>
 *   <li>{@code delivered_total}: handler calls, counted when the handler returns or throws (a message
 *       delivered again after a failure counts again);</li>
 *   <li>{@code handler_failures_total}: those of them that threw;</li>
 *   <li>{@code committed_total}: messages whose offsets the group committed (each handled message
 *       once);</li>
 *   <li>{@code commit_failures_total}: commits that failed (their messages stay pending and are
 *       committed with the next one, or delivered again when the partition moves);</li>
 *   <li>{@code consumer_errors_total}: polls that failed (broker errors, authorization ...);</li>
 *   <li>{@code consumer_lag}: not a total: the messages of the assigned partitions not handled yet, as
 *       of each subscription's last poll (0 before the first).</li>
 * </ul>
 */
final class Counters {

    final LongAdder published = new LongAdder();
    final LongAdder publishFailures = new LongAdder();
    final LongAdder delivered = new LongAdder();
    final LongAdder handlerFailures = new LongAdder();
    final LongAdder committed = new LongAdder();
    final LongAdder commitFailures = new LongAdder();
    final LongAdder consumerErrors = new LongAdder();

    /** The totals plus {@code consumer_lag}. */
    Map<String, Long> snapshot(long lag) {
        Map<String, Long> map = new LinkedHashMap<>();
        map.put("published_total", published.sum());
        map.put("publish_failures_total", publishFailures.sum());
        map.put("delivered_total", delivered.sum());
        map.put("handler_failures_total", handlerFailures.sum());
        map.put("committed_total", committed.sum());
        map.put("commit_failures_total", commitFailures.sum());
        map.put("consumer_errors_total", consumerErrors.sum());
        map.put("consumer_lag", lag);
        return Collections.unmodifiableMap(map);
    }
}
