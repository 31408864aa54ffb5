package storelog.store.file;

import java.util.concurrent.atomic.LongAdder;

/** The engine's counters, for {@code /metrics}. Thread-safe; cheap to update on the append path. */
final class StoreMetrics {

    final LongAdder appends = new LongAdder();
    final LongAdder records = new LongAdder();
    final LongAdder bytes = new LongAdder();
    final LongAdder fsyncs = new LongAdder();
}
