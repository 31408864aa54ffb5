package storelog.store.file;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.PriorityQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import storelog.api.StorageFailedException;
import storelog.api.StoreLogException;

/**
 * Group commit for {@code FSYNC=always}: appenders park here until their records are durable. An
 * appender that finds no sync running runs one itself; while appenders still wait after it, a sync
 * thread of the engine runs one flush-and-fsync after another for as long as anyone waits.
 * Every sync covers everything appended before it started, so concurrent appenders share fsyncs and
 * durability costs latency rather than throughput. Only the appenders a sync covered are woken.
 *
 * <p>Offsets are the currency: {@code durable} is the partition's offset below which every record
 * is on disk. A failed sync that had to discard unsynced records bumps the generation, so their
 * appenders fail instead of waiting for offsets that will be reused.
 *
 * <p>Thread-safe. Lock order: the partition lock may be held when calling {@link #generation()},
 * {@link #rolledBack}, {@link #advance} or {@link #fail}; the sync action runs with no lock of this
 * class held.
 */
final class GroupCommitter {

    /** Flushes and forces the partition; returns the offset below which all records are now durable. */
    @FunctionalInterface
    interface SyncAction {
        long sync();
    }

    private static final class Waiter {
        final Thread thread = Thread.currentThread();
        final long target;
        final long generation;
        volatile boolean done;
        RuntimeException error;

        Waiter(long target, long generation) {
            this.target = target;
            this.generation = generation;
        }
    }

    private final ReentrantLock lock = new ReentrantLock();
    private final PriorityQueue<Waiter> waiters = new PriorityQueue<>((a, b) -> Long.compare(a.target, b.target));
    private final SyncAction action;
    private final Executor syncThreads;
    private long durable;
    private boolean scheduled;
    private long generation;
    private StoreLogException rollbackCause;
    private StorageFailedException failure;

    GroupCommitter(SyncAction action, Executor syncThreads) {
        this.action = action;
        this.syncThreads = syncThreads;
    }

    /** The current generation; appends record it to be told later whether they were discarded. */
    long generation() {
        lock.lock();
        try {
            return generation;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Blocks until offsets below {@code target} are durable.
     *
     * @throws StoreLogException when the records were discarded by a failed sync, or the partition failed
     */
    void awaitDurable(long target, long appendGeneration) {
        Waiter waiter = new Waiter(target, appendGeneration);
        boolean leader = false;
        lock.lock();
        try {
            if (durable >= target) {
                return;
            }
            if (failure != null) {
                throw failure;
            }
            if (appendGeneration < generation) {
                throw rollbackCause;
            }
            waiters.add(waiter);
            leader = !scheduled;
            scheduled = true;
        } finally {
            lock.unlock();
        }
        if (leader) {
            syncOnce(); // no sync was running: this appender runs one itself, so a lone appender waits for one fsync only
        }
        while (!waiter.done) {
            LockSupport.park(this);
        }
        if (waiter.error != null) {
            throw waiter.error;
        }
    }

    /** One sync on a sync thread; schedules the next one while appenders still wait. */
    private void syncOnce() {
        long synced = -1;
        RuntimeException error = null;
        try {
            synced = action.sync();
        } catch (RuntimeException e) {
            error = e;
        }
        List<Waiter> wake = new ArrayList<>();
        lock.lock();
        try {
            durable = Math.max(durable, synced);
            for (Iterator<Waiter> it = waiters.iterator(); it.hasNext(); ) {
                Waiter w = it.next();
                if (w.target > durable) {
                    w.error = failure != null ? failure : w.generation < generation ? rollbackCause
                            : error != rollbackCause ? error : null;
                    if (w.error == null) {
                        continue; // appended after a rollback: the next sync covers it
                    }
                }
                it.remove();
                wake.add(w);
            }
            scheduled = !waiters.isEmpty();
            if (scheduled) {
                syncThreads.execute(this::syncOnce);
            }
        } finally {
            lock.unlock();
        }
        for (Waiter w : wake) {
            w.done = true;
            LockSupport.unpark(w.thread);
        }
    }

    /** Unsynced records were discarded (partition lock held): their waiters fail with {@code cause}. */
    void rolledBack(StoreLogException cause, long durableOffset) {
        lock.lock();
        try {
            generation++;
            rollbackCause = cause;
            durable = durableOffset;
        } finally {
            lock.unlock();
        }
    }

    /** Offsets below {@code offset} became durable outside a sync (load, clean close). */
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
        for (Waiter w : wake) {
            w.done = true;
            LockSupport.unpark(w.thread);
        }
    }

    /** The partition failed closed: waiters fail as soon as the sync in hand returns (or at once if none runs). */
    void fail(StorageFailedException cause) {
        List<Waiter> wake = new ArrayList<>();
        lock.lock();
        try {
            failure = cause;
            if (!scheduled) {
                wake.addAll(waiters);
                waiters.clear();
            }
        } finally {
            lock.unlock();
        }
        for (Waiter w : wake) {
            w.error = cause;
            w.done = true;
            LockSupport.unpark(w.thread);
        }
    }
}
