package storelog.elector.raft;

import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.ratis.proto.RaftProtos.RoleInfoProto;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.server.DivisionInfo;
import org.apache.ratis.server.RaftServer;
import storelog.api.spi.ElectionContext;
import storelog.api.spi.ElectionListener;
import storelog.api.spi.LeaderElector;
import storelog.api.spi.Leadership;

/**
 * The {@code raft} elector (docs/cluster.md "Raft"): this node's member of the cluster's Raft group,
 * whose replicated {@link EpochState} says who leads with which epoch.
 *
 * <p><b>In charge or taking over.</b> As the first elector of {@code ELECTOR} ({@code slot 0}) it always
 * decides: the Raft leader of each new term commits a new epoch for itself once it is ready, and leads
 * with it. As a later elector it decides only after a take-over ({@link TakeOverRule}): the Raft leader
 * commits {@code mode = raft} with a new epoch, and hands back ({@code mode = primary}) when the earlier
 * electors have been usable long enough. These decisions belong to the group, not to this node's
 * chain, so the Raft leader makes them also while this elector stands by.
 *
 * <p><b>Leading.</b> {@link #leadership()} answers LEADER only while, checked on each call: this elector
 * is active, its node is the Raft leader of the current term and ready, the epoch of this term was
 * issued to it and applied, it decides (in charge, or {@code mode = raft}), it did not resign in this
 * term, and its {@link LeadershipLease} holds. {@link #standBy()} only stops the LEADER answer and the
 * epochs of a first elector; it does not hand back (the chain activates this elector again as long as
 * it reports {@link #tookOver()}).
 *
 * <p><b>Threads.</b> One {@link ElectorThread} runs a tick every {@value #TICK_MILLIS} ms and on every Ratis
 * notification: group formation, proposals and confirmations ({@link EpochProposer}), membership
 * upkeep, epoch reports and all listener calls ({@link ChangeReport}), in order. The public methods are thread-safe and do not block, except
 * {@link #start} and {@link #close()}.
 */
final class RaftElector implements LeaderElector {

    static final long TICK_MILLIS = 50;
    /** The folder under the elector's state directory that holds Ratis' storage. */
    static final String STORAGE = "ratis";

    private static final Logger LOG = System.getLogger(RaftElector.class.getName());
    /** The plugin folder's class loader (Ratis and this plugin). */
    private static final ClassLoader PLUGIN_LOADER = RaftElector.class.getClassLoader();

    private final ElectionContext context;
    private final RaftSettings settings;
    private final boolean inCharge;
    private final LeadershipLease lease;
    private final TakeOverRule takeOver;
    private final PeerReconciler reconciler;
    private final EpochProposer proposer;
    private final AtomicLong seen = new AtomicLong();

    private volatile boolean active;
    private volatile boolean closed;
    private volatile long resignedTerm = -1;
    private volatile RaftNode node;
    private volatile ElectorThread thread;

    // elector thread only
    private GroupFormation formation;
    private boolean formed;
    private EpochReporter reporter;
    private ChangeReport changes;
    private String lastLogged = "";

    RaftElector(ElectionContext context) {
        this.context = context;
        this.settings = RaftSettings.from(context);
        this.inCharge = context.slot() == 0;
        this.lease = new LeadershipLease(settings.electionTimeout());
        this.takeOver = new TakeOverRule(settings.leaderTtl());
        this.reconciler = new PeerReconciler(context.nodeId(), settings.removeAfter());
        this.proposer = new EpochProposer(context, settings, inCharge, lease, takeOver, this::nudge);
    }

    @Override
    public synchronized void start(ElectionListener listener) {
        if (thread != null) {
            throw new IllegalStateException("raft elector " + context.nodeId() + " is already started");
        }
        node = RaftServerStart.start(context, settings, PLUGIN_LOADER, this::nudge);
        this.changes = new ChangeReport(context.nodeId(), this, listener);
        this.formation = new GroupFormation(context, node, new GroupProbe(settings.groupId(), RaftNode.clientProperties(settings)));
        this.reporter = new EpochReporter(context.nodeId(), RaftNode.clientProperties(settings), settings.seal());
        thread = new ElectorThread("raft-elector-" + context.nodeId(), PLUGIN_LOADER, TICK_MILLIS, this::tick);
        LOG.log(Level.INFO, "raft elector {0}: Raft server on {1}, group {2} ({3}), storage {4}, slot {5} of {6}",
                context.nodeId(), settings.self(), settings.groupId(), settings.clusterName(), context.stateDirectory(),
                context.slot(), context.slots());
    }

    @Override
    public void activate() {
        if (!active) {
            active = true;
            LOG.log(Level.INFO, "raft elector {0}: active", context.nodeId());
            nudge();
        }
    }

    @Override
    public void standBy() {
        if (active) {
            active = false;
            LOG.log(Level.INFO, "raft elector {0}: standing by", context.nodeId());
            nudge();
        }
    }

    @Override
    public Leadership leadership() {
        RaftNode n = node;
        if (n == null) {
            return new Leadership(Leadership.Role.CANDIDATE, Optional.empty(), 0);
        }
        EpochState state = n.stateMachine().state();
        Optional<RaftServer.Division> division = n.division();
        Leadership candidate = new Leadership(Leadership.Role.CANDIDATE, Optional.empty(), state.epoch());
        if (division.isEmpty() || state.leaderId().isEmpty() || !(inCharge || state.mode() == EpochState.Mode.RAFT)) {
            return candidate;
        }
        DivisionInfo info = division.get().getInfo();
        long term = info.getCurrentTerm();
        if (state.epochTerm() != term) {
            return candidate; // a newer term has not issued its epoch yet: the leader is not known
        }
        if (!state.leaderId().get().equals(context.nodeId())) {
            return new Leadership(Leadership.Role.FOLLOWER, state.leaderId(), state.epoch());
        }
        long now = System.nanoTime();
        boolean leads = active && !closed && info.isLeader() && info.isLeaderReady() && resignedTerm != term
                && lease.valid(term, now) && !proposer.holdsBack(term, now) && !EpochProposer.overtaken(state);
        return leads ? new Leadership(Leadership.Role.LEADER, state.leaderId(), state.epoch()) : candidate;
    }

    /**
     * Usable: the Raft server runs, holds the group, and a leader was known within the last maximum
     * election timeout — as the leader, the group confirmed it that recently; as a follower, it heard
     * from its leader that recently.
     */
    @Override
    public boolean usable() {
        RaftNode n = node;
        if (n == null || closed || !n.running()) {
            return false;
        }
        Optional<RaftServer.Division> division = n.division();
        if (division.isEmpty()) {
            return false;
        }
        long window = settings.electionTimeout().multipliedBy(2).toMillis();
        DivisionInfo info = division.get().getInfo();
        if (info.isLeader()) {
            return lease.everConfirmed() && System.nanoTime() - lease.lastSentAt() <= TimeUnit.MILLISECONDS.toNanos(window);
        }
        RoleInfoProto role = info.getRoleInfoProto();
        return info.isFollower() && info.getLeaderId() != null && role.hasFollowerInfo()
                && role.getFollowerInfo().getLeaderInfo().getLastRpcElapsedTimeMs() <= window;
    }

    @Override
    public boolean tookOver() {
        RaftNode n = node;
        return !inCharge && n != null && n.stateMachine().state().mode() == EpochState.Mode.RAFT;
    }

    @Override
    public void epochSeen(long epoch) {
        if (epoch > seen.getAndAccumulate(epoch, Math::max)) {
            nudge();
        }
    }

    @Override
    public void resign() {
        RaftNode n = node;
        Optional<RaftServer.Division> division = n == null ? Optional.empty() : n.division();
        if (division.isEmpty() || !division.get().getInfo().isLeader()) {
            return;
        }
        long term = division.get().getInfo().getCurrentTerm();
        resignedTerm = term;
        LOG.log(Level.INFO, "raft elector {0}: resigning the Raft leadership of term {1}", context.nodeId(), term);
        handOver(n, division.get());
        nudge();
    }

    /** Hands the Raft leadership to the follower heard from last, or just steps down when there is none. */
    private CompletableFuture<?> handOver(RaftNode n, RaftServer.Division division) {
        RoleInfoProto role = division.getInfo().getRoleInfoProto();
        RaftPeerId to = role.hasLeaderInfo() ? role.getLeaderInfo().getFollowerInfoList().stream()
                .filter(f -> f.getLastRpcElapsedTimeMs() <= settings.electionTimeout().toMillis())
                .min(java.util.Comparator.comparingLong(f -> f.getLastRpcElapsedTimeMs()))
                .map(f -> RaftPeerId.valueOf(f.getId().getId())).orElse(null) : null;
        return n.transferLeadership(to, settings.electionTimeout().multipliedBy(2)).exceptionally(e -> null);
    }

    /** Whether this node is the Raft leader now (not necessarily the cluster's leader). */
    boolean raftLeader() {
        RaftNode n = node;
        return n != null && n.division().map(d -> d.getInfo().isLeader()).orElse(false);
    }

    /** The node ids of the group's voting members as this node knows them; empty before it holds the group. */
    java.util.List<String> raftPeers() {
        RaftNode n = node;
        return n == null ? java.util.List.of() : n.division().map(d -> d.getRaftConf().getCurrentPeers().stream()
                .map(p -> p.getId().toString()).sorted().toList()).orElse(java.util.List.of());
    }

    /** The group's id (tests). */
    org.apache.ratis.protocol.RaftGroupId groupId() {
        return settings.groupId();
    }

    /** The group as this node knows it; empty before it holds the group (tests). */
    org.apache.ratis.protocol.RaftGroup group() {
        RaftNode n = node;
        return n.division().map(RaftServer.Division::getGroup).orElseThrow();
    }

    /** The properties of a Ratis client of this cluster (tests). */
    org.apache.ratis.conf.RaftProperties clientProperties() {
        return RaftNode.clientProperties(settings);
    }

    /** Test hook: runs before each command this node applies ({@link EpochStateMachine#beforeApply}). */
    void beforeApply(java.util.function.Consumer<Command> hook) {
        node.stateMachine().beforeApply(hook);
    }

    /** The replicated state as applied on this node. */
    EpochState state() {
        RaftNode n = node;
        return n == null ? EpochState.INITIAL : n.stateMachine().state();
    }

    /** Runs a tick soon on the elector thread (coalesced). */
    private void nudge() {
        ElectorThread t = thread;
        if (t != null && !closed) {
            t.nudge();
        }
    }

    private void tick() {
        if (closed) {
            return;
        }
        try {
            long now = System.nanoTime();
            if (!inCharge) {
                takeOver.sample(context.earlierUsable().getAsBoolean(), now);
            }
            if (!formed) {
                formed = formation.step();
            }
            node.division().ifPresent(division -> lead(division, now));
            changes.report();
        } catch (IOException | RuntimeException e) {
            String message = e.toString();
            if (!message.equals(lastLogged)) {
                lastLogged = message;
                LOG.log(Level.WARNING, "raft elector {0}: {1}", context.nodeId(), message);
            }
        }
    }

    /** The work of a group member: report epochs; as the ready leader, confirm, decide and keep members. */
    private void lead(RaftServer.Division division, long now) {
        DivisionInfo info = division.getInfo();
        EpochState state = node.stateMachine().state();
        long floor = Math.max(context.highestEpoch().getAsLong(), seen.get());
        reporter.report(floor, state, division.getGroup(), info.getLeaderId(), now);
        if (!info.isLeader() || !info.isLeaderReady()) {
            return;
        }
        long term = info.getCurrentTerm();
        proposer.confirm(node, term, now);
        proposer.propose(node, term, state, floor, now, active, resignedTerm == term);
        reconciler.reconcile(node, division.getRaftConf(), RaftPeers.view(context.members().get(), context.self()), now);
    }

    /** Resigns a Raft leadership it holds, then stops the elector thread and the Raft server. */
    @Override
    public void close() {
        RaftNode n = node;
        if (n != null && !closed) {
            n.division().filter(d -> d.getInfo().isLeader()).ifPresent(d -> {
                resignedTerm = d.getInfo().getCurrentTerm();
                try {
                    handOver(n, d).get(settings.electionTimeout().multipliedBy(3).toMillis(), TimeUnit.MILLISECONDS);
                } catch (Exception e) {
                    LOG.log(Level.DEBUG, "raft elector {0}: handing the Raft leadership over on close: {1}", context.nodeId(), e);
                }
            });
        }
        halt();
    }

    /** Stops everything without handing the Raft leadership over (as a crash would, for tests). */
    void halt() {
        if (closed) {
            return;
        }
        closed = true;
        ElectorThread t = thread;
        if (t != null) {
            t.stop();
        }
        if (reporter != null) {
            reporter.close();
        }
        RaftNode n = node;
        if (n != null) {
            try {
                n.close();
            } catch (IOException e) {
                LOG.log(Level.WARNING, "raft elector {0}: closing the Raft server: {1}", context.nodeId(), e);
            }
        }
        LOG.log(Level.INFO, "raft elector {0}: closed", context.nodeId());
    }
}
