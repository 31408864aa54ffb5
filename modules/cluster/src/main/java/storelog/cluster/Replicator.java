package storelog.cluster;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import storelog.api.PartitionKey;
import storelog.api.Settings;
import storelog.api.spi.Leadership;
import storelog.api.spi.Member;
import storelog.api.spi.PeerRoutes;
import storelog.api.spi.StorageEngine;
import storelog.core.GapObservation;
import storelog.core.LeaderCheck;
import storelog.core.LogService;
import storelog.core.NotLeaderException;
import storelog.core.Replication;

/**
 * The leader side of replication (docs/cluster.md "Replication"): while this node leads, a
 * {@link LeaderTerm} per epoch catches up, then pushes to every follower; client writes wait for the
 * {@code ACKS} rule ({@link Replication}); a {@link GapDetector} checks the followers every
 * {@code GAP_INTERVAL}. Follows the node's leadership: a new epoch starts a new term, losing the
 * leadership ends it.
 *
 * <p>Thread-safe.
 */
public final class Replicator implements Replication, AutoCloseable {

    private static final Logger LOG = System.getLogger(Replicator.class.getName());

    private final ClusterNode cluster;
    private final StorageEngine engine;
    private volatile LogService log;
    private final ReplicationSettings settings;
    private final PeerClient client;
    private final GapDetector gaps = new GapDetector();
    private final ScheduledExecutorService ticks = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("storelog-gap-check").daemon().factory());
    private volatile LeaderTerm term;

    private Replicator(ClusterNode cluster, StorageEngine engine, ReplicationSettings settings, PeerRoutes routes) {
        this.cluster = cluster;
        this.engine = engine;
        this.settings = settings;
        this.client = new PeerClient(settings.secret(), Duration.ofMillis(Math.max(1_000, settings.replicaLag().toMillis() / 2)),
                routes);
    }

    /**
     * The replicator of a clustered node, not yet running; reads {@code ACKS}, {@code MIN_INSYNC},
     * {@code REPLICA_LAG_MS}, {@code GAP_INTERVAL} and {@code PEER_ROUTES}.
     *
     * @throws storelog.api.InvalidSettingException naming a bad variable
     */
    public static Replicator of(ClusterNode cluster, StorageEngine engine, Settings settings) {
        return new Replicator(cluster, engine, ReplicationSettings.from(settings), PeerRoutes.from(settings));
    }

    /**
     * Follows the node's leadership and the appends of {@code log} from now on, and makes client
     * writes of {@code log} wait for the {@code ACKS} rule; call before the cluster starts.
     */
    public void start(LogService log) {
        this.log = log;
        log.replication(this);
        if (settings.acksAll()) {
            log.readFence().enable(); // readers see what the acknowledgement rule holds for, on every node
        }
        cluster.gapsFrom(this::gaps);
        cluster.catchingUpFrom(() -> {
            LeaderTerm t = term;
            return t == null || !t.ready();
        });
        cluster.onLeadershipChange(this::leadershipChanged);
        cluster.onMembersChange(members -> {
            LeaderTerm t = term;
            if (t != null) {
                t.membersChanged(followers(), Map.of());
            }
        });
        log.onAppend(this::appended);
        long every = settings.gapInterval().toMillis();
        ticks.scheduleWithFixedDelay(this::checkGaps, every, every, TimeUnit.MILLISECONDS);
    }

    /** The leader check of client writes: this node leads and its term has caught up. */
    public LeaderCheck leaderCheck() {
        LeaderCheck leads = LeaderCheck.of(cluster);
        return () -> {
            long epoch = leads.requireLeader();
            LeaderTerm t = term;
            if (t == null || t.epoch() != epoch || !t.ready()) {
                throw new NotLeaderException(cluster.nodeId(), java.util.Optional.empty(),
                        "node " + cluster.nodeId() + " was just elected (epoch " + epoch + ") and is catching up; try again shortly");
            }
            return epoch;
        };
    }

    private synchronized void leadershipChanged(Leadership leadership) {
        LeaderTerm current = term;
        boolean leads = leadership.role() == Leadership.Role.LEADER;
        if (current != null && (!leads || current.epoch() != leadership.epoch())) {
            current.close();
            term = null;
            gaps.clear();
            LOG.log(Level.INFO, "replication of epoch {0} ended", current.epoch());
        }
        if (leads && term == null) {
            LeaderTerm next = new LeaderTerm(leadership.epoch(), engine, settings, client, this::followers, cluster::epochSeen,
                    log.readFence(), cluster::highestEpoch);
            term = next;
            next.start();
        }
    }

    private void appended(PartitionKey partition) {
        LeaderTerm t = term;
        if (t != null) {
            t.appended(partition);
        }
    }

    private void checkGaps() {
        LeaderTerm t = term;
        if (t != null && t.ready()) {
            try {
                gaps.check(t, followers(), log);
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "gap check failed", e);
            }
        }
    }

    @Override
    public void beforeWrite(PartitionKey partition) {
        if (settings.acksAll()) {
            current().tracker().checkWritable(partition);
        }
    }

    @Override
    public void awaitAcknowledged(PartitionKey partition, long end) {
        if (settings.acksAll()) {
            current().tracker().await(partition, end, settings.replicaLag().multipliedBy(2));
        }
    }

    private LeaderTerm current() {
        LeaderTerm t = term;
        if (t == null) {
            throw new NotLeaderException(cluster.nodeId(), cluster.leaderHttp());
        }
        return t;
    }

    /** The latest gap per (follower, partition), on the leader. */
    public List<GapObservation> gaps() {
        return term == null ? List.of() : gaps.gaps();
    }

    /**
     * Per follower: {@code lag_records{node}}, {@code lag_ms{node}} (the longest of its partitions)
     * and {@code in_sync{node}} (1 or 0), plus {@code in_sync_nodes} (the leader included); empty on a
     * follower.
     */
    public Map<String, Long> metrics() {
        LeaderTerm t = term;
        Map<String, Long> all = new HashMap<>();
        if (t == null) {
            return all;
        }
        List<PartitionKey> partitions = t.partitions();
        long inSync = 1;
        for (Member m : followers()) {
            String label = "{node=\"" + m.nodeId() + "\"}";
            long lagRecords = 0;
            long lagMillis = 0;
            for (PartitionKey p : partitions) {
                lagRecords += Math.max(0, t.leaderEnd(p) - t.tracker().acked(m.nodeId(), p));
                lagMillis = Math.max(lagMillis, t.tracker().lagMillis(m.nodeId(), p));
            }
            boolean sync = t.tracker().inSyncEverywhere(m.nodeId(), partitions);
            inSync += sync ? 1 : 0;
            all.put("lag_records" + label, lagRecords);
            all.put("lag_ms" + label, lagMillis);
            all.put("in_sync" + label, sync ? 1L : 0L);
        }
        all.put("in_sync_nodes", inSync);
        return all;
    }

    List<Member> followers() {
        return cluster.members().stream().filter(m -> !m.nodeId().equals(cluster.nodeId())).toList();
    }

    @Override
    public synchronized void close() {
        ticks.shutdownNow();
        LeaderTerm t = term;
        term = null;
        if (t != null) {
            t.close();
        }
    }
}
