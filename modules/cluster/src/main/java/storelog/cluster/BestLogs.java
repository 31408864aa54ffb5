package storelog.cluster;

import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import storelog.api.EpochHistory;
import storelog.api.EpochStart;
import storelog.api.PartitionInfo;
import storelog.api.PartitionKey;
import storelog.api.Record;
import storelog.api.spi.Member;
import storelog.api.spi.StorageEngine;

/**
 * A new leader's catch-up, once the members answered ({@link LeaderTerm}, step 1): for each partition it
 * takes the most up-to-date log among this node's and the answers (Raft's rule, {@link #ahead}) and, when
 * that is not its own, cuts its own divergent tail and copies what it lacks ({@code /replica/records}).
 * Used by the term's starting thread only.
 */
final class BestLogs {

    private static final Logger LOG = System.getLogger(BestLogs.class.getName());

    private final long epoch;
    private final StorageEngine engine;
    private final PeerClient client;
    private final BooleanSupplier closed;
    private final Consumer<PartitionKey> copied;

    /**
     * @param closed whether the term ended (a copy stops)
     * @param copied told of each partition whose log a copy changed (the term forgets what it knew of it)
     */
    BestLogs(long epoch, StorageEngine engine, PeerClient client, BooleanSupplier closed, Consumer<PartitionKey> copied) {
        this.epoch = epoch;
        this.engine = engine;
        this.client = client;
        this.closed = closed;
        this.copied = copied;
    }

    /**
     * For each partition, copies the most up-to-date log among the answers when it is not this node's;
     * returns whether it has all of them (not when a copy failed or its node left the view).
     */
    boolean adopt(Map<String, PeerClient.State> states, List<Member> followers) {
        boolean complete = true;
        Set<PartitionKey> all = new LinkedHashSet<>(engine.partitions().stream().map(PartitionInfo::partition).toList());
        states.values().forEach(s -> all.addAll(s.partitions().keySet()));
        Map<String, String> http = new HashMap<>();
        followers.forEach(m -> http.put(m.nodeId(), m.http()));
        for (PartitionKey p : all) {
            List<EpochStart> mine = engine.epochs(p);
            long myEnd = LeaderTerm.end(engine, p);
            String best = null;
            PeerClient.PartitionState bestState = null;
            for (Map.Entry<String, PeerClient.State> e : states.entrySet()) {
                PeerClient.PartitionState theirs = e.getValue().partitions().get(p);
                if (theirs != null && ahead(theirs.epochs(), theirs.nextOffset(),
                        bestState != null ? bestState.epochs() : mine, bestState != null ? bestState.nextOffset() : myEnd)) {
                    best = e.getKey();
                    bestState = theirs;
                }
            }
            if (best != null && !(http.containsKey(best) && copy(p, best, http.get(best), bestState))) {
                complete = false;
            }
        }
        return complete;
    }

    /** Raft's "at least as up-to-date": a higher last epoch, or the same last epoch and a longer log. */
    static boolean ahead(List<EpochStart> a, long nextA, List<EpochStart> b, long nextB) {
        long ea = EpochHistory.lastEpoch(a);
        long eb = EpochHistory.lastEpoch(b);
        return ea > eb || (ea == eb && nextA > nextB);
    }

    /** Copies what {@code node} holds beyond the two logs' shared part; returns whether it got all of it. */
    private boolean copy(PartitionKey p, String node, String http, PeerClient.PartitionState theirs) {
        long shared = EpochHistory.divergence(engine.epochs(p), LeaderTerm.end(engine, p), theirs.epochs(), theirs.nextOffset());
        if (shared < LeaderTerm.end(engine, p)) {
            LOG.log(Level.WARNING, "epoch {0}: partition {1}: {2} holds a more up-to-date log; cutting this node''s "
                    + "divergent tail from offset {3} ({4} records)", epoch, p, node, shared, LeaderTerm.end(engine, p) - shared);
            engine.truncate(p, shared);
        }
        long at = shared;
        try {
            while (at < theirs.nextOffset() && !closed.getAsBoolean()) {
                int wanted = (int) Math.min(ReplicationSettings.MAX_BATCH_RECORDS, theirs.nextOffset() - at);
                PeerClient.Records got = client.records(http, p, at, wanted);
                if (got.records().isEmpty()) {
                    break;
                }
                // no further than its state named: what it stored since came from a leader fenced by then
                List<Record> records = got.records().subList(0, Math.min(got.records().size(), wanted));
                int i = 0;
                while (i < records.size()) {
                    EpochStart covering = EpochHistory.at(got.epochs(), at);
                    long e = covering == null ? 0 : covering.epoch();
                    long segmentEnd = EpochHistory.endOf(got.epochs(), e, Long.MAX_VALUE);
                    int j = i;
                    while (j < records.size() && records.get(j).offset() < segmentEnd) {
                        j++;
                    }
                    engine.appendAt(p, at, e, PeerClient.asNew(records.subList(i, j)));
                    at += j - i;
                    i = j;
                }
            }
            LOG.log(Level.INFO, "epoch {0}: partition {1}: took records up to offset {2} from {3}", epoch, p, at, node);
            return at >= theirs.nextOffset();
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.WARNING, "epoch " + epoch + ": partition " + p + ": copying from " + node + " stopped at offset " + at, e);
            return false;
        } finally {
            copied.accept(p);
        }
    }
}
