package storelog.core;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import storelog.api.PartitionKey;

/**
 * How far readers may read each partition (Kafka's high watermark): under {@code ACKS=all} in a
 * cluster, only records that the acknowledgement rule holds for — held by every in-sync follower and
 * by at least {@code MIN_INSYNC} nodes — are served, on the leader and on the followers alike, so a
 * record once read survives any leader change that an acknowledged record survives. Without it a
 * reader could see a record the leader stored a moment before it died, that no follower had, and
 * that the next leader's log then lacks: a read that later "disappears".
 *
 * <p>The leader raises each partition's committed end as followers acknowledge; followers raise theirs
 * from what the leader sends with its pushes. The end only rises: a committed record is in every later
 * leader's log. Off (everything stored is served) on a standalone node and under {@code ACKS=leader},
 * where a leader's crash may lose acknowledged records anyway. After a restart a follower serves
 * nothing new until the leader tells it what is committed (its first push). Thread-safe.
 */
public final class ReadFence {

    private final Map<PartitionKey, Long> committed = new ConcurrentHashMap<>();
    private final Consumer<PartitionKey> raised;
    private volatile boolean on;

    /** @param raised called after a partition's committed end rose (wakes the readers waiting on it) */
    ReadFence(Consumer<PartitionKey> raised) {
        this.raised = raised;
    }

    /** Serve only committed records from now on ({@code ACKS=all} in a cluster); call before serving. */
    public void enable() {
        on = true;
    }

    public boolean enabled() {
        return on;
    }

    /** Records below {@code end} of {@code partition} are committed (a lower end than known is ignored). */
    public void raise(PartitionKey partition, long end) {
        if (end <= 0) {
            return;
        }
        long before = committed.getOrDefault(partition, 0L);
        if (end <= before) {
            return;
        }
        long after = committed.merge(partition, end, Math::max);
        if (after > before) {
            raised.accept(partition);
        }
    }

    /** The committed end of {@code partition} as far as this node knows (0 when it knows nothing). */
    public long committed(PartitionKey partition) {
        return committed.getOrDefault(partition, 0L);
    }

    /** The end readers may read to, of a partition whose stored end is {@code storedEnd}. */
    long visibleEnd(PartitionKey partition, long storedEnd) {
        return on ? Math.min(storedEnd, committed(partition)) : storedEnd;
    }
}
