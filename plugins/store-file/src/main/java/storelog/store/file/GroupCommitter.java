package storelog.store.file;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import storelog.api.StorageFailedException;
import storelog.api.StoreLogException;

/**
 * Group commit for {@code FSYNC=always}: appenders park here until their records are durable. An
 * appender that finds no sync running runs one itself (so a lone appender waits for one fsync and
 * no loop); while appenders still wait after it, a sync loop takes over on a thread of the engine
 * (a platform thread: see {@link SyncThreads}); the loop
 * runs one sync after another for as long as anyone waits, and each sync covers everything appended
 * before it started, so concurrent appenders share fsyncs and durability costs latency rather than
 * throughput. Only the appenders a sync covered are woken.
 *
 * <p>Between two syncs the loop <em>gathers</em>: the appenders the last sync woke are usually about
 * to append again (a closed loop of clients), and a sync started at once would cover only those that
 * appended during the last fsync, so the appenders would split into two halves taking turns, each
 * getting one fsync in two. The loop waits until as many appenders wait as the last sync covered, but
 * at most half of the last sync's time ({@link #gatherNanos}), so a lone appender or a quiet partition
 * pays for it at most once. This only delays a sync; nothing is acknowledged before its fsync.
 *
 * <p>Offsets are the currency: {@code durable} is the partition's offset below which every record is
 * on disk. An appender registers while it still holds the partition lock, so every rollback or
 * truncation (which run under that lock too) sees every appender whose records it removes and fails
 * it: no appender is ever told "durable" for a record that was cut. Registrations come in offset
 * order (under the partition lock), so the waiters form a queue sorted by target.
 *
 * <p>Thread-safe. Lock order: the partition lock, then this class's lock. {@link #register},
 * {@link #advance}, {@link #rolledBack} and {@link #fail} are called with the partition lock held;
 * {@link #await} and the sync action without it.
 */
final class GroupCommitter {

    /** The longest gather between two syncs, whatever the last sync took. */
    static final long MAX_GATHER_NANOS = 1_000_000;

    /**
     * Flushes and forces the partition. Never throws: it ends every waiter it concerns itself, through
     * {@link #advance} (durable), {@link #rolledBack} (cut) or {@link #fail} (the partition failed).
     */
    @FunctionalInterface
    interface SyncAction {
        void sync();
    }

    /** One appender waiting for the offsets below {@code target}. */
    static final class Waiter {
        private final Thread thread = Thread.currentThread();
        private final long target;
        private volatile boolean done;
        private RuntimeException error;
        private boolean leads;
        /** The gathering sync loop, for this appender to wake once it let the partition lock go; else null. */
        private Thread gatherer;
        /** Whether it waits at once and to the end, so it may help wake its batch ({@link #release}). */
        private boolean relays;
        /** The batch a sync made durable, which this waiter helps wake ({@link #release}); else null. */
        private Waiter[] batch;
        private int slot;

        private Waiter(long target) {
            this.target = target;
        }
    }

    private final ReentrantLock lock = new ReentrantLock();
    private final ArrayDeque<Waiter> waiters = new ArrayDeque<>();
    private final SyncAction action;
    private final SyncExecutor syncThreads;
    private long durable;
    /** Whether a sync loop runs (or is about to). */
    private boolean scheduled;
    /** The sync loop's thread while it gathers, to be woken once {@link #gathered} appenders wait; else null. */
    private Thread gatherer;
    /** How many appenders waited for the last sync or during it: as many are likely to wait for the next one. */
    private int gathered;
    private StorageFailedException failure;

    /** Where sync loops run. */
    @FunctionalInterface
    interface SyncExecutor extends Executor {
        /** Whether other loops wait for a thread: a running loop then lets its thread go after a sync. */
        default boolean othersWaiting() {
            return false;
        }
    }

    GroupCommitter(SyncAction action, SyncExecutor syncThreads) {
        this.action = action;
        this.syncThreads = syncThreads;
    }

    /**
     * Registers the caller as waiting until the offsets below {@code target} are durable (partition
     * lock held). {@code awaitsAtOnce}: the caller calls {@link #await} as soon as it let the
     * partition lock go and nothing else before it (not so a begun append, whose caller may wait
     * later or never), so it may take a share of waking the others ({@link #release}).
     */
    Waiter register(long target, boolean awaitsAtOnce) {
        Waiter waiter = new Waiter(target);
        boolean start;
        Thread wake = null;
        lock.lock();
        try {
            if (failure != null) {
                throw failure;
            }
            if (durable >= target) {
                waiter.done = true;
                return waiter;
            }
            start = !scheduled;
            waiter.relays = awaitsAtOnce && !start; // not the one that leads a sync: it could end before it waits
            waiters.add(waiter);
            scheduled = true;
            if (gatherer != null && waiters.size() >= gathered) {
                wake = gatherer;
                gatherer = null;
            }
        } finally {
            lock.unlock();
        }
        waiter.gatherer = wake; // woken once the partition lock is let go: its sync takes that lock at once
        waiter.leads = start;
        return waiter;
    }

    /**
     * Called by the registering appender once it let the partition lock go (also done by
     * {@link #await}): wakes the gathering sync loop if this registration completed its gather.
     * Woken under the lock, the loop would find it taken and park again.
     */
    static void unlocked(Waiter waiter) {
        if (waiter != null && waiter.gatherer != null) {
            Thread wake = waiter.gatherer;
            waiter.gatherer = null;
            LockSupport.unpark(wake);
        }
    }

    /**
     * Blocks until the waiter's records are durable (partition lock not held).
     *
     * @throws StoreLogException when they were cut (a rollback, a truncation) or the partition failed
     */
    void await(Waiter waiter) {
        unlocked(waiter);
        if (waiter.leads) {
            leadSync(); // no sync was running: this appender runs one itself, so a lone appender waits for one fsync only
        }
        boolean interrupted = false;
        while (!waiter.done) {
            LockSupport.park(this);
            interrupted |= Thread.interrupted(); // else park returns at once, again and again: a spin for the whole fsync
        }
        wakeNext(waiter);
        if (interrupted) {
            Thread.currentThread().interrupt(); // the outcome is the records', not the interrupt's: kept for the caller
        }
        if (waiter.error != null) {
            throw waiter.error;
        }
    }

    /** The appender's own sync; if appenders wait after it, a sync loop of the engine takes over. */
    private void leadSync() {
        action.sync();
        boolean inline = false;
        lock.lock();
        try {
            scheduled = failure == null && !waiters.isEmpty();
            if (scheduled) {
                try {
                    syncThreads.execute(this::syncLoop);
                } catch (RejectedExecutionException e) { // the engine is closing: its close resolves the waiters
                    scheduled = false;
                } catch (Error e) { // no thread for the loop (OutOfMemoryError): this appender runs it, else the waiters park forever
                    inline = true;
                }
            }
        } finally {
            lock.unlock();
        }
        if (inline) {
            syncLoop();
        }
    }

    /** Syncs while anyone waits, gathering between syncs; ends when a sync (and its gather) leaves no one waiting. */
    private void syncLoop() {
        while (true) {
            long started = System.nanoTime();
            action.sync();
            if (!gather(gatherNanos(System.nanoTime() - started))) {
                return;
            }
            if (syncThreads.othersWaiting()) { // other partitions' loops wait for a thread: this one queues behind them
                continueLater();
                return;
            }
        }
    }

    /** Queues the loop again (another sync is due: {@code scheduled} stays set); runs it here when it cannot. */
    private void continueLater() {
        try {
            syncThreads.execute(this::syncLoop);
        } catch (RejectedExecutionException e) { // the engine is closing: its close resolves the waiters
            lock.lock();
            try {
                scheduled = false;
            } finally {
                lock.unlock();
            }
        } catch (Error e) { // no room for the task: this thread goes on, else the waiters park forever
            syncLoop();
        }
    }

    /** Half of the last sync's time: what a gather may add to a sync at most. */
    static long gatherNanos(long lastSyncNanos) {
        return Math.min(MAX_GATHER_NANOS, lastSyncNanos / 2);
    }

    /**
     * Waits until {@link #gathered} appenders wait, at most
     * {@code nanos}. Returns whether another sync is due; if not, the loop is over.
     */
    private boolean gather(long nanos) {
        long deadline = System.nanoTime() + nanos;
        lock.lock();
        try {
            while (failure == null && waiters.size() < gathered) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    break;
                }
                gatherer = Thread.currentThread();
                lock.unlock();
                try {
                    LockSupport.parkNanos(this, left);
                } finally {
                    lock.lock();
                }
            }
            gatherer = null;
            scheduled = failure == null && !waiters.isEmpty();
            return scheduled;
        } finally {
            lock.unlock();
        }
    }

    /** Offsets below {@code offset} are durable (partition lock held): their waiters return. */
    void advance(long offset) {
        release(durableUpTo(offset));
    }

    /**
     * Offsets below {@code offset} are durable (partition lock held): returns their waiters, for the
     * caller to {@link #release} once it let the partition lock go — a woken appender's next append
     * takes that lock at once, and woken under it, N appenders would queue on it and be handed it one
     * by one (a park and an unpark each) instead of appending while the next fsync gathers.
     */
    List<Waiter> durableUpTo(long offset) {
        List<Waiter> wake = new ArrayList<>();
        lock.lock();
        try {
            durable = Math.max(durable, offset);
            while (!waiters.isEmpty() && waiters.peek().target <= durable) {
                wake.add(waiters.poll());
            }
            gathered = wake.size() + waiters.size(); // those woken, once back, and those waiting already
        } finally {
            lock.unlock();
        }
        return wake;
    }

    /**
     * Wakes waiters {@link #durableUpTo} returned: their records are durable. The caller wakes the
     * first {@value #WOKEN_BY_SYNC} only; every woken waiter wakes {@value #WOKEN_BY_WAITER} more
     * ({@link #wakeNext}) before it appends again, so the wake-up of N appenders spreads over the
     * threads that run them (a virtual thread's unpark from its carrier is a push on that carrier's
     * own queue) instead of N hand-offs from the sync thread, whose next fsync waits for them. All are
     * marked done first: one that has not parked yet returns at once and still wakes its share. Only
     * waiters registered as waiting at once take a share ({@link #register}); the caller wakes the others.
     */
    static void release(List<Waiter> durableOnes) {
        int relaying = 0;
        for (Waiter w : durableOnes) {
            relaying += w.relays ? 1 : 0;
        }
        Waiter[] batch = new Waiter[relaying];
        int slot = 0;
        for (Waiter w : durableOnes) {
            if (w.relays) {
                w.batch = batch;
                w.slot = slot;
                batch[slot++] = w;
            }
        }
        for (int i = relaying - 1; i >= 0; i--) {
            // a volatile write after the plain ones, and the later slots first: a waiter that sees itself
            // done sees its batch and the ones it wakes done too (else one woken early would park again for good)
            batch[i].done = true;
        }
        for (Waiter w : durableOnes) {
            w.done = true;
        }
        for (Waiter w : durableOnes) {
            if (!w.relays || w.slot < WOKEN_BY_SYNC) {
                LockSupport.unpark(w.thread);
            }
        }
    }

    /** How many waiters of a durable batch the sync wakes itself. */
    static final int WOKEN_BY_SYNC = 2;
    /** How many more each woken waiter of the batch wakes. */
    static final int WOKEN_BY_WAITER = 2;

    /** A woken waiter's share of its batch's wake-up ({@link #release}): those whose slots follow from its own. */
    private static void wakeNext(Waiter waiter) {
        Waiter[] batch = waiter.batch;
        if (batch == null) {
            return;
        }
        waiter.batch = null;
        int first = WOKEN_BY_SYNC + waiter.slot * WOKEN_BY_WAITER;
        for (int i = first; i < Math.min(first + WOKEN_BY_WAITER, batch.length); i++) {
            LockSupport.unpark(batch[i].thread);
        }
    }

    /**
     * Records from {@code end} on were removed and everything below it is durable (partition lock
     * held): waiters below {@code end} return, the others fail with {@code cause}.
     */
    void rolledBack(StoreLogException cause, long end) {
        List<Waiter> durableOnes = new ArrayList<>();
        List<Waiter> cut = new ArrayList<>();
        lock.lock();
        try {
            durable = end;
            for (Waiter w : waiters) {
                (w.target <= end ? durableOnes : cut).add(w);
            }
            waiters.clear();
        } finally {
            lock.unlock();
        }
        wake(durableOnes, null);
        wake(cut, cause);
    }

    /** The partition failed closed: every waiter fails, and so does every later registration. */
    void fail(StorageFailedException cause) {
        List<Waiter> wake;
        lock.lock();
        try {
            failure = cause;
            wake = new ArrayList<>(waiters);
            waiters.clear();
        } finally {
            lock.unlock();
        }
        wake(wake, cause);
    }

    private static void wake(List<Waiter> waiters, RuntimeException error) {
        for (Waiter w : waiters) {
            w.error = error;
            w.done = true;
            LockSupport.unpark(w.thread);
        }
    }
}
