package storelog.elector.raft;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import storelog.api.spi.ElectionContext;

/**
 * The Raft leader's part of the elector: it asks the group to confirm it every {@link #CONFIRM_EVERY}
 * (renewing the {@link LeadershipLease}) and proposes the group's decisions — a new epoch for a new
 * term, a take-over, a hand-back ({@link TakeOverRule}). One proposal in flight at a time.
 *
 * <p>{@link #confirm} and {@link #propose} run on the elector thread only; {@link #holdsBack} and
 * {@link #issuedTo} are thread-safe.
 */
final class EpochProposer {

    /** How often the Raft leader asks the group to confirm it. */
    static final Duration CONFIRM_EVERY = Duration.ofMillis(100);

    private static final Logger LOG = System.getLogger(EpochProposer.class.getName());

    private final ElectionContext context;
    private final RaftSettings settings;
    private final boolean inCharge;
    private final LeadershipLease lease;
    private final TakeOverRule takeOver;
    private final Runnable nudge;

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

    // elector thread only
    private CompletableFuture<?> proposal = CompletableFuture.completedFuture(null);
    private final AtomicBoolean confirming = new AtomicBoolean();
    private long lastConfirmSent = System.nanoTime() - CONFIRM_EVERY.toNanos();

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

    /**
     * @param inCharge whether this is the first elector of the chain (it always decides)
     * @param nudge    runs a tick of the elector thread soon: after a confirmation or a proposal's outcome
     */
    EpochProposer(ElectionContext context, RaftSettings settings, boolean inCharge, LeadershipLease lease,
                  TakeOverRule takeOver, Runnable nudge) {
        this.context = context;
        this.settings = settings;
        this.inCharge = inCharge;
        this.lease = lease;
        this.takeOver = takeOver;
        this.nudge = nudge;
    }

    /** Whether this node, Raft leader of {@code term}, must not lead in it at {@code now}: holding a new epoch, or handing back. */
    boolean holdsBack(long term, long now) {
        return hold.holds(term, now) || handingBackTerm == term;
    }

    /**
     * Whether a node reported an epoch above the one Raft issued last ({@link Command.Observe} applied
     * after the {@link Command.NewEpoch}: e.g. a Redis leadership won just before the take-over, whose
     * report reached the group after it). The holder of the lower epoch must not lead with it; its
     * next proposal issues one above the reported epoch.
     */
    static boolean overtaken(EpochState state) {
        return state.highestObserved() > state.epoch();
    }

    /** Asks the group to confirm this node as leader of {@code term}, at most every {@link #CONFIRM_EVERY}, one ask at a time. */
    void confirm(RaftNode node, long term, long now) {
        if (now - lastConfirmSent < CONFIRM_EVERY.toNanos() || !confirming.compareAndSet(false, true)) {
            return;
        }
        lastConfirmSent = now;
        node.confirm().whenComplete((confirmation, failure) -> {
            if (confirmation != null && confirmation.leader() && confirmation.term() == term) {
                lease.confirmed(term, now);
            }
            confirming.set(false);
            nudge.run();
        });
    }

    /**
     * The leader's decisions in {@code term}: a new epoch for a new term, a take-over, a hand-back.
     *
     * @param floor    the highest epoch this node knows of; a new epoch is issued above it
     * @param active   whether the chain has this elector active
     * @param resigned whether this node resigned the Raft leadership of {@code term} (it proposes nothing more in it)
     */
    void propose(RaftNode node, long term, EpochState state, long floor, long now, boolean active, boolean resigned) {
        if (!proposal.isDone() || resigned) {
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
            nudge.run();
        });
    }

    private Command newEpoch(long term, long floor) {
        return new Command.NewEpoch(term, context.nodeId(), floor, context.slot(), context.slots());
    }
}
