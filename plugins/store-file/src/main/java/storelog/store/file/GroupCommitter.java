package storelog.store.file;

import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import storelog.api.StorageFailedException;
import storelog.api.StoreLogException;

/**
 * Group commit for {@code FSYNC=always}: appenders park here until their records are durable. An
 * appender that finds no sync running runs one itself; while appenders still wait after it, a sync
 * thread of the engine runs one sync after another for as long as anyone waits. Every sync covers
 * everything appended before it started, so concurrent appenders share fsyncs and durability costs
 * latency rather than throughput. Only the appenders a sync covered are woken.
 *
 * <p>Offsets are the currency: {@code durable} is the partition's offset below which every record is
 * on disk. An appender registers while it still holds the partition lock, so every rollback or
 * truncation (which run under that lock too) sees every appender whose records it removes and fails
 * it: no appender is ever told "durable" for a record that was cut.
 *
 * <p>Thread-safe. Lock order: the partition lock, then this class's lock. {@link #register},
 * {@link #advance}, {@link #rolledBack} and {@link #fail} are called with the partition lock held;
 * {@link #await} and the sync action without it.
 */
final class GroupCommitter {

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

        private Waiter(long target) {
            this.target = target;
        }
    }

    private final ReentrantLock lock = new ReentrantLock();
    private final PriorityQueue<Waiter> waiters = new PriorityQueue<>((a, b) -> Long.compare(a.target, b.target));
    private final SyncAction action;
    private final Executor syncThreads;
    private long durable;
    private boolean scheduled;
    private StorageFailedException failure;

    GroupCommitter(SyncAction action, Executor syncThreads) {
        this.action = action;
        this.syncThreads = syncThreads;
    }

    /** Registers the caller as waiting until the offsets below {@code target} are durable (partition lock held). */
    Waiter register(long target) {
        Waiter waiter = new Waiter(target);
        lock.lock();
        try {
            if (failure != null) {
                throw failure;
            }
            if (durable >= target) {
                waiter.done = true;
                return waiter;
            }
            waiters.add(waiter);
            waiter.leads = !scheduled;
            scheduled = true;
        } finally {
            lock.unlock();
        }
        return waiter;
    }

    /**
     * Blocks until the waiter's records are durable (partition lock not held).
     *
     * @throws StoreLogException when they were cut (a rollback, a truncation) or the partition failed
     */
    void await(Waiter waiter) {
        if (waiter.leads) {
            runSync(); // no sync was running: this appender runs one itself, so a lone appender waits for one fsync only
        }
        boolean interrupted = false;
        while (!waiter.done) {
            LockSupport.park(this);
            interrupted |= Thread.interrupted(); // else park returns at once, again and again: a spin for the whole fsync
        }
        if (interrupted) {
            Thread.currentThread().interrupt(); // the outcome is the records', not the interrupt's: kept for the caller
        }
        if (waiter.error != null) {
            throw waiter.error;
        }
    }

    private void runSync() {
        action.sync();
        lock.lock();
        try {
            scheduled = !waiters.isEmpty();
            if (scheduled) {
                try {
                    syncThreads.execute(this::runSync);
                } catch (RejectedExecutionException e) { // the engine is closing: its close resolves the waiters
                    scheduled = false;
                }
            }
        } finally {
            lock.unlock();
        }
    }

    /** Offsets below {@code offset} are durable (partition lock held): their waiters return. */
    void advance(long offset) {
        List<Waiter> wake = new ArrayList<>();
        lock.lock();
        try {
            durable = Math.max(durable, offset);
            while (!waiters.isEmpty() && waiters.peek().target <= durable) {
                wake.add(waiters.poll());
            }
        } finally {
            lock.unlock();
        }
        wake(wake, null);
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
