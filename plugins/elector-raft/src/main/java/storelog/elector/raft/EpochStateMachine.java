package storelog.elector.raft;

import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import org.apache.ratis.proto.RaftProtos.LogEntryProto;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftGroupMemberId;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.server.DivisionInfo;
import org.apache.ratis.statemachine.TransactionContext;
import org.apache.ratis.statemachine.impl.BaseStateMachine;

/**
 * The Raft group's state machine: applies {@link Command}s to an {@link EpochState} and tells the
 * elector (through {@code changed}, which must not block) whenever the state, the Raft leader or the
 * configuration may have changed.
 *
 * <p>No snapshots: the log holds one entry per epoch issued, per hand-back and per higher epoch a node
 * reported (plus Ratis' own configuration entries), so it grows only with leadership changes, and a
 * restart replays it whole. Thread-safe: Ratis applies entries one at a time; readers see a
 * consistent state through one volatile field.
 */
final class EpochStateMachine extends BaseStateMachine {

    /** The answer of {@link #query} to a leadership confirmation: the term and whether this division leads it. */
    record Confirmation(long term, boolean leader) {
        static Confirmation parse(Message message) {
            String[] parts = message.getContent().toStringUtf8().split(" ");
            return new Confirmation(Long.parseLong(parts[0]), Boolean.parseBoolean(parts[1]));
        }
    }

    private final EntrySeal seal;
    private final Runnable changed;
    private volatile EpochState state = EpochState.INITIAL;
    private volatile java.util.function.Consumer<Command> beforeApply = c -> { };

    EpochStateMachine(EntrySeal seal, Runnable changed) {
        this.seal = seal;
        this.changed = changed;
    }

    /** The state as applied on this replica. */
    EpochState state() {
        return state;
    }

    /** Test hook: runs before each command is applied, on Ratis' apply thread (a test delays an apply with it). */
    void beforeApply(java.util.function.Consumer<Command> hook) {
        beforeApply = hook;
    }

    @Override
    public CompletableFuture<Message> applyTransaction(TransactionContext trx) {
        LogEntryProto entry = trx.getLogEntry();
        java.util.Optional<Command> command = seal.open(entry.getStateMachineLogEntry().getLogData().toByteArray())
                .flatMap(Command::decode); // unsealed: skipped everywhere
        command.ifPresent(beforeApply);
        EpochState before = state;
        EpochState after = command.map(c -> before.apply(c, entry.getTerm())).orElse(before);
        state = after;
        updateLastAppliedTermIndex(entry.getTerm(), entry.getIndex());
        if (!after.equals(before)) {
            changed.run();
        }
        return CompletableFuture.completedFuture(Message.valueOf(Long.toString(after.epoch())));
    }

    /**
     * Answers a linearizable read (which Ratis serves only after the leader has heard from a majority
     * since the read arrived) with this division's term and role at that moment.
     */
    @Override
    public CompletableFuture<Message> query(Message request) {
        try {
            DivisionInfo info = getServer().join().getDivision(getGroupId()).getInfo();
            return CompletableFuture.completedFuture(Message.valueOf(info.getCurrentTerm() + " " + info.isLeader()));
        } catch (IOException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    @Override
    public void notifyLeaderChanged(RaftGroupMemberId groupMemberId, RaftPeerId newLeaderId) {
        changed.run();
    }

    @Override
    public void notifyLeaderReady() {
        changed.run();
    }

    @Override
    public void notifyConfigurationChanged(long term, long index,
                                           org.apache.ratis.proto.RaftProtos.RaftConfigurationProto newConfiguration) {
        changed.run();
    }
}
