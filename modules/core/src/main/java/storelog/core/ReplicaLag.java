package storelog.core;

import java.time.Clock;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.ToLongFunction;
import storelog.api.PartitionKey;

/**
 * How far a follower is behind ({@link ReplicaLog#lagRecords}, {@link ReplicaLog#lagMillis}): per
 * partition the leader's end as its pushes last named it, against this node's own end. Thread-safe.
 */
final class ReplicaLag {

    private final ConcurrentHashMap<PartitionKey, Long> leaderNext = new ConcurrentHashMap<>();
    private final ToLongFunction<PartitionKey> next;
    private final Clock clock;
    private volatile long lastCaughtUp;

    /** @param next this node's next offset of a partition */
    ReplicaLag(ToLongFunction<PartitionKey> next, Clock clock) {
        this.next = next;
        this.clock = clock;
        this.lastCaughtUp = clock.millis();
    }

    /** A push named the leader's end of {@code p} ({@code leaderEnd}, -1 when it did not); this node's is {@code mine}. */
    void leaderEnd(PartitionKey p, long leaderEnd, long mine) {
        if (leaderEnd < 0) {
            return;
        }
        leaderNext.put(p, Math.max(leaderEnd, mine));
        if (mine >= leaderEnd && leaderNext.entrySet().stream().allMatch(e -> e.getValue() <= next.applyAsLong(e.getKey()))) {
            lastCaughtUp = clock.millis();
        }
    }

    /** Records this node lacks of what the leader last said it holds, summed over partitions. */
    long records() {
        long lag = 0;
        for (Map.Entry<PartitionKey, Long> e : leaderNext.entrySet()) {
            lag += Math.max(0, e.getValue() - next.applyAsLong(e.getKey()));
        }
        return lag;
    }

    /** Milliseconds since this node last held everything the leader had told it of (0 when it holds it now). */
    long millis() {
        return records() == 0 ? 0 : Math.max(0, clock.millis() - lastCaughtUp);
    }
}
