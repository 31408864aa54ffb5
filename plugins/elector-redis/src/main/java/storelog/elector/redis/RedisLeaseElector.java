package storelog.elector.redis;

import static storelog.elector.redis.LeaseClock.before;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import storelog.api.spi.ElectionContext;
import storelog.api.spi.ElectionListener;
import storelog.api.spi.LeaderElector;
import storelog.api.spi.Leadership;
import storelog.elector.redis.LeaseState.Observed;
import storelog.elector.redis.LeaseState.Owned;
import storelog.elector.redis.LeaseStore.Taken;
import storelog.elector.redis.LeaseStore.Won;

/**
 * A lease in Redis with a fencing epoch (docs/cluster.md "Redis: a lease"; the rules of time are in
 * {@link LeaseClock}, the scripts in {@link LeaseScripts}).
 *
 * <h2>Rounds</h2>
 * Every {@code LEADER_TTL/3}, measured from when the previous round's command was sent, the elector
 * sends one command: the owner renews (compare-and-{@code PEXPIRE}); an active non-owner runs the win
 * script, which also tells it who holds the lease and for how long, so it tries again right when that
 * lease expires; an elector on stand-by only reads the lease. A renewal that fails or finds the lease
 * no longer its own extends nothing: the owner leads until the deadline of the last confirmed one.
 *
 * <h2>Threads</h2>
 * Two platform daemon threads per elector ({@link LeaseThreads}): the <em>elector thread</em> (a
 * one-thread scheduler) owns the rounds, the timers and the listener calls ({@link ListenerReport}),
 * and never blocks; the <em>I/O thread</em> runs the Redis commands one at a time, each bounded by the connection and command timeouts. Keeping the
 * blocking commands off the elector thread means a hung Redis cannot delay the step-down event: a timer
 * fires at the lease deadline whatever the I/O thread is doing. Platform rather than virtual threads:
 * both live as long as the elector and block in socket reads, so virtual threads would save nothing;
 * daemon so that an elector nobody closed never keeps the JVM alive (its lease then expires in Redis).
 *
 * <h2>Answers</h2>
 * {@link #leadership()} and {@link #usable()} read one immutable {@link LeaseState} and the clock at
 * the moment of the call ({@link LeaseState#leadership}); they do not wait for either thread.
 * {@link #usable()} is true iff the last command sent to Redis was answered (any answer, "someone else
 * holds the lease" included) and it was sent less than {@code 2 × LEADER_TTL/3} ago.
 *
 * <h2>Giving up</h2>
 * {@link #standBy()}, {@link #resign()} and {@link #close()} drop the lease from the state before they
 * return, so this node stops answering {@code LEADER} at once, and queue a compare-and-{@code DEL} of
 * whatever lease the node holds in Redis (a win still in flight included). After {@link #resign()} the
 * elector waits half a TTL before it campaigns again, so that another node, which reads the lease every
 * TTL/3, takes it. An owner whose epoch is below the node's highest seen epoch gives its lease up the
 * same way and campaigns again at once, above it.
 */
final class RedisLeaseElector implements LeaderElector {

    private static final Logger LOG = System.getLogger(RedisLeaseElector.class.getName());

    private final ElectionContext context;
    private final RedisSettings settings;
    private final LeaseClock clock;
    private final long roundNanos;
    private final LeaseStore store; // I/O thread only
    private final AtomicLong seen = new AtomicLong();
    private final Object lock = new Object();

    // written under lock, read anywhere
    private volatile LeaseState state = LeaseState.INITIAL;
    private volatile boolean closed;
    private long generation; // under lock: bumped whenever this node gives a lease up
    private boolean started; // under lock

    private volatile boolean active;
    private volatile long campaignNotBefore;

    private volatile LeaseThreads threads;

    // elector thread only
    private boolean roundRunning;
    private boolean kickPending;
    private long nextRoundAt;
    private ScheduledFuture<?> nextRound;
    private ListenerReport report;
    private boolean failing;
    private boolean floorTooHighLogged;

    RedisLeaseElector(ElectionContext context, RedisSettings settings) {
        this.context = context;
        this.settings = settings;
        this.clock = LeaseClock.of(settings.ttlMillis());
        this.roundNanos = Duration.ofMillis(settings.roundMillis()).toNanos();
        this.store = new LeaseStore(settings, "storelog-" + context.nodeId());
    }

    @Override
    public void start(ElectionListener electionListener) {
        synchronized (lock) {
            if (started || closed) {
                throw new IllegalStateException("the redis elector of node " + context.nodeId() + " was already started");
            }
            started = true;
        }
        LeaseThreads created = new LeaseThreads(context.nodeId(), settings.timeoutMillis());
        report = new ListenerReport(context.nodeId(), this, electionListener, () -> state, created);
        threads = created;
        LOG.log(Level.INFO, "node {0}: redis elector on {1}, slot {2} of {3}, lease {4}", context.nodeId(),
                settings.address(), context.slot(), context.slots(), settings.leaderKey());
        onLoop(this::round);
    }

    @Override
    public void activate() {
        active = true;
        onLoop(this::kick);
    }

    @Override
    public void standBy() {
        active = false;
        giveUp("it stands by");
    }

    @Override
    public void resign() {
        if (state.owned() != null) {
            campaignNotBefore = System.nanoTime() + roundNanos * 3 / 2;
        }
        giveUp("it resigned");
    }

    @Override
    public Leadership leadership() {
        return state.leadership(context.nodeId(), floor(), System.nanoTime());
    }

    @Override
    public boolean usable() {
        return state.usable(System.nanoTime());
    }

    @Override
    public void epochSeen(long epoch) {
        long before = seen.getAndAccumulate(epoch, Math::max);
        if (epoch > before && epoch <= LeaseScripts.MAX_EPOCH) {
            onIo("raising the epoch key to " + epoch, () -> store.raiseEpoch(epoch));
            onLoop(this::checkEpoch);
        }
    }

    @Override
    public void close() {
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            active = false;
        }
        giveUp("it closes");
        LeaseThreads t = threads;
        if (t == null) {
            store.close();
            return;
        }
        t.stopLoop();
        // a win sent before the elector thread stopped may have come back after giveUp's release
        onIo("releasing the lease", store::releaseHeld);
        t.stopIo(store::close);
        LOG.log(Level.INFO, "node {0}: redis elector closed", context.nodeId());
    }

    // ---- test hooks

    /** Runs {@code task} on the I/O thread (a test blocks it there to stand for a hung command). */
    CompletableFuture<Void> onIoThread(Runnable task) {
        return threads.onIoThread(task);
    }

    /** Runs {@code task} on the elector thread (a test blocks it there to stand for a paused elector). */
    CompletableFuture<Void> onElectorThread(Runnable task) {
        return threads.onElectorThread(task);
    }

    /** A crash: both threads stop and the connection closes without giving the lease back. */
    void crash() {
        closed = true;
        threads.kill();
        store.close();
    }

    // ---- the elector thread

    private void round() {
        nextRound = null;
        if (closed || roundRunning) {
            return;
        }
        roundRunning = true;
        Owned owned = state.owned();
        long floor = floor();
        if (owned != null && owned.epoch() < floor) {
            // raised first, so that whoever wins next, not only this node, goes above it
            onIo("raising the epoch key to " + floor, () -> store.raiseEpoch(floor));
            giveUp("its epoch " + owned.epoch() + " is below the highest seen " + floor);
            owned = null;
        }
        if (owned != null) {
            Owned renewing = owned;
            io(() -> store.renew(renewing.text()), reply -> renewed(renewing, reply));
        } else if (active && !before(System.nanoTime(), campaignNotBefore) && campaignable(floor)) {
            long sentGeneration = generation();
            io(() -> store.win(context.nodeId(), context.self().http(), floor, context.slot(), context.slots()),
                    reply -> winAnswered(sentGeneration, reply));
        } else {
            io(store::read, this::read);
        }
    }

    private void renewed(Owned owned, Reply<Boolean> reply) {
        if (!reply.answered()) {
            return; // nothing extended: the owner leads until the last confirmed deadline
        }
        if (reply.value()) {
            update(s -> s.owned() == owned ? s.withOwned(owned.confirmedUntil(clock.deadline(reply.sent()))) : s);
        } else if (update(s -> s.owned() == owned ? s.withOwned(null) : s).owned() == null) {
            LOG.log(Level.WARNING, "node {0}: lost the redis lease of epoch {1}: it expired or was overwritten",
                    context.nodeId(), owned.epoch());
            kickPending = true;
        }
    }

    private void winAnswered(long sentGeneration, Reply<LeaseStore.WinOutcome> reply) {
        if (!reply.answered()) {
            return;
        }
        switch (reply.value()) {
            case Won won -> won(sentGeneration, won, reply);
            case Taken taken -> {
                update(s -> s.withObserved(new Observed(LeaseValue.parse(taken.text()), clock.observedUntil(reply.sent()))));
                if (taken.remainingMillis() >= 0) { // try again as soon as that lease expires
                    long expires = reply.sent() + Duration.ofMillis(taken.remainingMillis() + 1).toNanos();
                    nextRoundAt = Math.min(nextRoundAt, expires);
                }
            }
        }
    }

    private void won(long sentGeneration, Won won, Reply<?> reply) {
        boolean kept;
        long metHold = clock.holdEnd(won.knownSince());
        boolean newProcess = before(reply.sent(), metHold); // a Redis process started less than a TTL ago
        synchronized (lock) {
            kept = sentGeneration == generation && active && !closed;
            if (kept) {
                long leadsFrom = won.behind() ? clock.holdEnd(reply.received()) : reply.sent();
                if (before(leadsFrom, metHold)) {
                    leadsFrom = metHold;
                }
                state = state.withOwned(new Owned(won.text(), won.value().epoch(), leadsFrom, clock.deadline(reply.sent())))
                        .withObserved(new Observed(Optional.of(won.value()), clock.observedUntil(reply.sent())));
            }
        }
        if (!kept) { // given up while the win was in flight
            onIo("releasing a lease won after giving up", store::releaseHeld);
            return;
        }
        LOG.log(Level.INFO, "node {0}: won the redis lease with epoch {1}{2}", context.nodeId(), won.value().epoch(),
                won.behind() ? "; Redis held no epoch for this cluster or a lower one than this node has seen (a new"
                        + " cluster, or Redis lost its data or came back with older data): holding the lease for "
                        + settings.ttlMillis() + " ms before leading"
                : newProcess ? "; this Redis process started less than " + settings.ttlMillis() + " ms ago (Redis"
                        + " restarted or failed over), so a lease of the one before may still be acted on: holding the lease"
                        + " until then, before leading" : "");
    }

    private void read(Reply<Optional<String>> reply) {
        if (reply.answered()) {
            update(s -> s.withObserved(reply.value()
                    .map(text -> new Observed(LeaseValue.parse(text), clock.observedUntil(reply.sent()))).orElse(null)));
        }
    }

    /** Every answer, after the round's own handling: usability, the next round, the listener. */
    private void afterRound(Reply<?> reply) {
        roundRunning = false;
        if (reply.answered()) {
            update(s -> s.answered(clock.usableUntil(reply.sent())));
            if (failing) {
                failing = false;
                LOG.log(Level.INFO, "node {0}: Redis at {1} answers again", context.nodeId(), settings.address());
            }
        } else {
            update(LeaseState::failed);
            if (!failing) {
                failing = true;
                LOG.log(Level.WARNING, "node {0}: a command to Redis at {1} failed (not usable until one succeeds): {2}",
                        context.nodeId(), settings.address(), reply.failure().toString());
            }
        }
        long delay = kickPending ? 0 : Math.max(0, nextRoundAt - System.nanoTime());
        kickPending = false;
        nextRound = later(this::round, delay);
        changed();
    }

    /** Run a round now (or right after the one running). */
    private void kick() {
        if (closed) {
            return;
        }
        if (roundRunning) {
            kickPending = true;
            return;
        }
        if (nextRound != null) {
            nextRound.cancel(false);
        }
        round();
    }

    /** An owner whose epoch fell below the node's highest seen gives up (in the round) and campaigns above it. */
    private void checkEpoch() {
        Owned owned = state.owned();
        if (owned != null && owned.epoch() < floor()) {
            kick();
        }
    }

    /** Tell the listener if what it can read changed, and set a timer for the next change by time alone. */
    private void changed() {
        report.changed();
    }

    // ---- any thread

    /** Drops the lease at once (state first, then Redis: a compare-and-DEL of whatever this node holds). */
    private void giveUp(String why) {
        Owned owned;
        synchronized (lock) {
            generation++;
            owned = state.owned();
            if (owned != null) {
                state = state.withOwned(null);
            }
        }
        if (owned != null) {
            LOG.log(Level.INFO, "node {0}: gives up the redis lease of epoch {1}: {2}", context.nodeId(), owned.epoch(), why);
        }
        onIo("releasing the lease", store::releaseHeld);
        onLoop(this::changed);
    }

    private long floor() {
        return Math.max(context.highestEpoch().getAsLong(), seen.get());
    }

    private boolean campaignable(long floor) {
        if (floor <= LeaseScripts.MAX_EPOCH - context.slots()) {
            return true;
        }
        if (!floorTooHighLogged) {
            floorTooHighLogged = true;
            LOG.log(Level.ERROR, "node {0}: cannot campaign on Redis: the highest epoch {1} is above what its Lua counts exactly ({2})",
                    context.nodeId(), floor, LeaseScripts.MAX_EPOCH);
        }
        return false;
    }

    private long generation() {
        synchronized (lock) {
            return generation;
        }
    }

    private LeaseState update(UnaryOperator<LeaseState> change) {
        synchronized (lock) {
            state = change.apply(state);
            return state;
        }
    }

    /** Sends a round's command on the I/O thread; its reply is handled on the elector thread. */
    private <T> void io(Supplier<T> command, Consumer<Reply<T>> handler) {
        boolean sent = threads.send(command, reply -> {
            nextRoundAt = reply.sent() + roundNanos;
            handler.accept(reply);
            afterRound(reply);
        });
        if (!sent) {
            roundRunning = false; // closing
        }
    }

    /** A command outside the rounds (release, raising the epoch): best effort, failures logged. */
    private void onIo(String what, Runnable command) {
        LeaseThreads t = threads;
        if (t != null) {
            t.sendAndForget(what, command);
        }
    }

    private ScheduledFuture<?> later(Runnable task, long delayNanos) {
        return threads.later(task, delayNanos);
    }

    private void onLoop(Runnable task) {
        LeaseThreads t = threads;
        if (t != null) {
            t.onLoop(task);
        }
    }
}
