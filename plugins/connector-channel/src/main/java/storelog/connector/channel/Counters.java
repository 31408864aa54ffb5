package storelog.connector.channel;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * A connector's running totals, shared by its topics and subscriptions. Thread-safe.
 *
 * <ul>
 *   <li>{@code published_total}: publishes accepted (once per publish, whatever the fan-out);</li>
 *   <li>{@code delivered_total}: messages handed to a handler, once per subscription, counted when
 *       the handler returns or throws;</li>
 *   <li>{@code handler_failures_total}: those of them whose handler threw;</li>
 *   <li>{@code rejected_total}: publishes that failed because a queue stayed full past the wait;</li>
 *   <li>{@code dropped_total}: queued messages discarded by a close (see {@link ChannelConnector}).</li>
 * </ul>
 */
final class Counters {

    final LongAdder published = new LongAdder();
    final LongAdder delivered = new LongAdder();
    final LongAdder handlerFailures = new LongAdder();
    final LongAdder rejected = new LongAdder();
    final LongAdder dropped = new LongAdder();

    /** The totals plus {@code queued}, the messages now waiting in all queues and backlogs. */
    Map<String, Long> snapshot(long queued) {
        Map<String, Long> map = new LinkedHashMap<>();
        map.put("published_total", published.sum());
        map.put("delivered_total", delivered.sum());
        map.put("handler_failures_total", handlerFailures.sum());
        map.put("rejected_total", rejected.sum());
        map.put("dropped_total", dropped.sum());
        map.put("queued", queued);
        return Collections.unmodifiableMap(map);
    }
}
