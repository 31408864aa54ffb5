package storelog.elector.raft;

import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.ratis.proto.RaftProtos.RoleInfoProto;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.server.DivisionInfo;
import org.apache.ratis.server.RaftServer;
import storelog.api.InvalidSettingException;
import storelog.api.spi.ElectionContext;
import storelog.api.spi.ElectionListener;
import storelog.api.spi.ElectorUnavailableException;
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
 * <p><b>Threads.</b> One elector thread runs a tick every {@value #TICK_MILLIS} ms and on every Ratis
 * notification: group formation, proposals, confirmations, membership upkeep, epoch reports and all
 * listener calls, in order. The public methods are thread-safe and do not block, except
 * {@link #start} and {@link #close()}.
 */
final class RaftElector implements LeaderElector {

    static final long TICK_MILLIS = 50;
    /** How often the Raft leader asks the group to confirm it. */
    static final Duration CONFIRM_EVERY = Duration.ofMillis(100);
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
    private final AtomicLong seen = new AtomicLong();
    private final AtomicBoolean tickQueued = new AtomicBoolean();
    private final long startedAt = System.nanoTime();

    private volatile boolean active;
    private volatile boolean closed;
    private volatile long resignedTerm = -1;
    /**
     * The term in which this node, as Raft leader, proposed to hand back: from that moment it does not
     * lead in that term. Other nodes campaign through the earlier elector as soon as they apply the
     * hand-back, which can be before this node applies it (its apply thread lagging, a pause shorter
     * than its lease); so it stops at the proposal, before anyone can apply it. A new epoch it proposes
     * later in the term (the earlier elector went again before the hand-back was committed) clears it.
     */
    private volatile long handingBackTerm = -1;
    /** As a later elector: the term whose new epoch this node proposed, and until when it holds it unused. */
    private volatile Hold hold = new Hold(-1, 0);
    private volatile RaftNode node;
    private volatile ScheduledExecutorService thread;

    // elector thread only
    private ElectionListener listener;
    private GroupFormation formation;
    private boolean formed;
    private EpochReporter reporter;
    private CompletableFuture<?> proposal = CompletableFuture.completedFuture(null);
    private final AtomicBoolean confirming = new AtomicBoolean();
    private long lastConfirmSent = startedAt - CONFIRM_EVERY.toNanos();
    private Snapshot reported;
    private String lastLogged = "";

    /**
     * A later elector's Raft leader does not lead with the epoch it proposed in {@code term} before
     * {@code until} (monotonic): one {@code LEADER_TTL} (+ 1 % for clock rates) after the proposal was
     * sent. A node that still leads through an earlier elector (a Redis lease it can renew) stands
     * that elector by when it applies {@code mode = raft}, which reaches it within a heartbeat or two
     * of the commit; until then both would answer LEADER. The hold covers that lag, and a pause of the
     * earlier leader shorter than a TTL: such a leader's lease ends at most a TTL after its last
     * renewal. Not covered: an earlier leader cut off from the Raft group that keeps reaching its own
     * backend (docs/cluster.md, split cases).
     */
    private record Hold(long term, long until) {
        boolean holds(long atTerm, long now) {
            return term == atTerm && now - until < 0;
        }
    }

    /** What the listener was last told about. */
    private record Snapshot(Leadership leadership, boolean usable, boolean tookOver) {
    }

    RaftElector(ElectionContext context) {
        this.context = context;
        this.settings = RaftSettings.from(context);
        this.inCharge = context.slot() == 0;
        this.lease = new LeadershipLease(settings.electionTimeout());
        this.takeOver = new TakeOverRule(settings.leaderTtl());
        this.reconciler = new PeerReconciler(context.nodeId(), settings.removeAfter());
    }

    @Override
    public synchronized void start(ElectionListener listener) {
        if (thread != null) {
            throw new IllegalStateException("raft elector " + context.nodeId() + " is already started");
        }
        checkBindable();
        Path directory = context.stateDirectory();
        Thread caller = Thread.currentThread();
        ClassLoader callerLoader = caller.getContextClassLoader();
        // Ratis finds its metrics implementation with ServiceLoader through the context class loader,
        // and its threads inherit it from this one: make it the plugin's, whoever calls
        caller.setContextClassLoader(PLUGIN_LOADER);
        try {
            Path storage = Files.createDirectories(directory.resolve(STORAGE));
            node = RaftNode.start(settings, context.nodeId(), storage, InitialPeers.read(directory), this::nudge);
        } catch (IOException | RuntimeException e) {
            if (rootCause(e) instanceof BindException) {
                throw portUnusable(rootCause(e));
            }
            throw new ElectorUnavailableException("raft elector " + context.nodeId() + " cannot start its Raft server on "
                    + settings.self() + " with storage " + directory + ": " + e.getMessage(), e);
        } finally {
            caller.setContextClassLoader(callerLoader);
        }
        this.listener = listener;
        this.formation = new GroupFormation(context, node, new GroupProbe(settings.groupId(), RaftNode.clientProperties(settings)));
        this.reporter = new EpochReporter(context.nodeId(), RaftNode.clientProperties(settings), settings.seal());
        ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "raft-elector-" + context.nodeId());
            t.setDaemon(true);
            t.setContextClassLoader(PLUGIN_LOADER);
            return t;
        });
        executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        thread = executor;
        executor.scheduleWithFixedDelay(this::tick, 0, TICK_MILLIS, TimeUnit.MILLISECONDS);
        LOG.log(Level.INFO, "raft elector {0}: Raft server on {1}, group {2} ({3}), storage {4}, slot {5} of {6}",
                context.nodeId(), settings.self(), settings.groupId(), settings.clusterName(), directory, context.slot(), context.slots());
    }

    /** Refuses a Raft address this node cannot listen on before Ratis tries (and leaves threads behind). */
    private void checkBindable() {
        try (ServerSocket probe = new ServerSocket()) {
            probe.setReuseAddress(true);
            probe.bind(new InetSocketAddress(settings.self().host(), settings.self().port()));
        } catch (IOException e) {
            throw portUnusable(e);
        }
    }

    private InvalidSettingException portUnusable(Throwable e) {
        String value = context.settings().string(RaftSettings.RAFT_PORT, Integer.toString(settings.self().port()));
        return new InvalidSettingException(RaftSettings.RAFT_PORT, value, "this node cannot listen on its Raft address "
                + settings.self() + ": " + e.getMessage() + " (is the port taken, or the host not this machine's?)");
    }

    private static Throwable rootCause(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root;
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
                && lease.valid(term, now) && !hold.holds(term, now) && !overtaken(state) && handingBackTerm != term;
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

    /**
     * Whether a node reported an epoch above the one Raft issued last ({@link Command.Observe} applied
     * after the {@link Command.NewEpoch}: e.g. a Redis leadership won just before the take-over, whose
     * report reached the group after it). The holder of the lower epoch must not lead with it; its
     * next proposal issues one above the reported epoch.
     */
    private static boolean overtaken(EpochState state) {
        return state.highestObserved() > state.epoch();
    }

    /** Runs a tick soon on the elector thread (coalesced). */
    private void nudge() {
        ScheduledExecutorService t = thread;
        if (t != null && !closed && tickQueued.compareAndSet(false, true)) {
            try {
                t.execute(this::tick);
            } catch (java.util.concurrent.RejectedExecutionException e) {
                // closing
            }
        }
    }

    private void tick() {
        tickQueued.set(false);
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
            report();
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
        confirm(term, now);
        propose(term, state, floor, now);
        reconciler.reconcile(node, division.getRaftConf(), RaftPeers.view(context.members().get(), context.self()), now);
    }

    private void confirm(long term, long now) {
        if (now - lastConfirmSent < CONFIRM_EVERY.toNanos() || !confirming.compareAndSet(false, true)) {
            return;
        }
        lastConfirmSent = now;
        node.confirm().whenComplete((confirmation, failure) -> {
            if (confirmation != null && confirmation.leader() && confirmation.term() == term) {
                lease.confirmed(term, now);
            }
            confirming.set(false);
            nudge();
        });
    }

    /** The leader's decisions: a new epoch for a new term, a take-over, a hand-back. */
    private void propose(long term, EpochState state, long floor, long now) {
        if (!proposal.isDone() || resignedTerm == term) {
            return;
        }
        boolean issuedToMe = state.epochTerm() == term && state.leaderId().filter(context.nodeId()::equals).isPresent()
                && !overtaken(state) && handingBackTerm != term;
        Command command = null;
        if (inCharge) {
            if (active && !issuedToMe) {
                command = newEpoch(term, floor);
            }
        } else if (state.mode() == EpochState.Mode.RAFT) {
            if (takeOver.shouldHandBack(now)) {
                command = new Command.HandBack(term, context.nodeId());
            } else if (!issuedToMe) {
                command = newEpoch(term, floor);
            }
        } else if (takeOver.shouldTakeOver(now)) {
            command = newEpoch(term, floor);
        }
        if (command == null) {
            return;
        }
        Command proposed = command;
        if (!inCharge && proposed instanceof Command.NewEpoch) {
            hold = new Hold(term, now + settings.leaderTtl().toNanos() * 101 / 100);
            handingBackTerm = -1;
        } else if (proposed instanceof Command.HandBack) {
            handingBackTerm = term; // stops leading before any node can apply it
        }
        LOG.log(Level.INFO, "raft elector {0}: proposing {1}{2}", context.nodeId(), proposed,
                inCharge || !(proposed instanceof Command.NewEpoch) ? ""
                : "; it leads with that epoch " + settings.leaderTtl().toMillis() + " ms from now at the earliest, when every"
                + " node still leading through an earlier elector has stood down");
        proposal = node.propose(proposed).whenComplete((reply, failure) -> {
            if (failure != null || !reply.isSuccess()) {
                LOG.log(Level.INFO, "raft elector {0}: {1} not committed: {2}", context.nodeId(), proposed,
                        failure != null ? failure : reply.getException());
            }
            nudge();
        });
    }

    private Command newEpoch(long term, long floor) {
        return new Command.NewEpoch(term, context.nodeId(), floor, context.slot(), context.slots());
    }

    /** Tells the listener when role, leader, epoch, usability or take-over changed. */
    private void report() {
        Snapshot now = new Snapshot(leadership(), usable(), tookOver());
        if (now.equals(reported)) {
            return;
        }
        Snapshot before = reported;
        reported = now;
        if (before == null || !before.leadership().equals(now.leadership()) || before.tookOver() != now.tookOver()) {
            LOG.log(Level.INFO, "raft elector {0}: {1} {2} epoch {3}{4}", context.nodeId(), now.leadership().role(),
                    now.leadership().leaderId().orElse("-"), now.leadership().epoch(), now.tookOver() ? " (Raft has taken over)" : "");
        }
        try {
            listener.changed(this);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "raft elector {0}: the election listener failed: {1}", context.nodeId(), e);
        }
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
        ScheduledExecutorService t = thread;
        if (t != null) {
            t.shutdownNow();
            try {
                t.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
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
