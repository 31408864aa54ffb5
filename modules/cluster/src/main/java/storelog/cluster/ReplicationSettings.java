package storelog.cluster;

import java.time.Duration;
import storelog.api.InvalidSettingException;
import storelog.api.Settings;

/**
 * How the leader replicates (API.md §2).
 *
 * @param acksAll        {@code ACKS=all} (default): a client write is acknowledged once every in-sync follower
 *                       holds it and never with fewer than {@code minInSync} nodes holding it; {@code ACKS=leader}:
 *                       after the leader's own storage
 * @param minInSync      {@code MIN_INSYNC} (default 2): the fewest nodes, the leader included, that must hold a write
 *                       before it is acknowledged under {@code ACKS=all}; also the number of nodes a new leader
 *                       hears from before it serves
 * @param replicaLag     {@code REPLICA_LAG_MS} (default 10 s): a follower behind for longer leaves the in-sync set
 * @param gapInterval    {@code GAP_INTERVAL} (default 10 s): between the leader's gap checks
 * @param secret         {@code CLUSTER_SECRET}, sent with every node-to-node request
 * @param window         {@code REPLICATION_WINDOW} (default 4): the most {@code /replicate} requests in flight to one
 *                       follower, so also the most batches the leader holds for it
 */
record ReplicationSettings(boolean acksAll, int minInSync, Duration replicaLag, Duration gapInterval, String secret,
                           int window) {

    /** Most records one replication request carries. */
    static final int MAX_BATCH_RECORDS = 2_000;
    /** Most payload bytes one replication request carries (at least one record). */
    static final long MAX_BATCH_BYTES = 1L << 20;

    static ReplicationSettings from(Settings s) {
        String acks = s.string("ACKS", "all");
        if (!acks.equals("all") && !acks.equals("leader")) {
            throw new InvalidSettingException("ACKS", acks, "expected all or leader");
        }
        return new ReplicationSettings(acks.equals("all"),
                (int) s.longValue("MIN_INSYNC", 2, 1, 100),
                Duration.ofMillis(s.longValue("REPLICA_LAG_MS", 10_000, 100, 3_600_000)),
                Duration.ofMillis(s.longValue("GAP_INTERVAL", 10_000, 100, 3_600_000)),
                s.string("CLUSTER_SECRET", ""),
                (int) s.longValue("REPLICATION_WINDOW", 4, 1, 64));
    }
}
