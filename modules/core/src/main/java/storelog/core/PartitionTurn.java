package storelog.core;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;
import storelog.api.EpochHistory;
import storelog.api.EpochStart;

/**
 * One partition's turn on a follower ({@link ReplicaLog}): requests take it one at a time to check
 * and write their records, and let go of it before they wait for their records' durability, so the
 * next request (a leader pipelines them) writes behind them and shares their fsync. The turn knows
 * the partition's <em>written</em> end and the epochs of what it wrote, which count appends written
 * but not yet durable; the storage engine's end and epoch history count only durable ones.
 *
 * <p>Thread-safe. Every method but {@link #lock()} and {@link #settled(Write)} is called with the turn held.
 */
final class PartitionTurn {

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    /** An append written, from {@code start} to {@code end}, of records of leader epoch {@code epoch}. */
    record Write(long start, long end, long epoch) {
    }

    /** Appends written whose durability wait has not ended yet, in offset order. */
    private final List<Write> pending = new ArrayList<>();

    void lock() {
        lock.lock();
    }

    /** Lets go of the turn, waking whoever waits for the partition to move. */
    void unlock() {
        changed.signalAll();
        lock.unlock();
    }

    /** The partition's end counting appends still waiting for durability; {@code durable}: the engine's end. */
    long writtenEnd(long durable) {
        return pending.isEmpty() ? durable : Math.max(pending.getLast().end(), durable);
    }

    /**
     * The partition's epoch history counting appends still waiting for durability: {@code durable},
     * the engine's history (which covers only durable records), and the epochs of those appends.
     */
    List<EpochStart> history(List<EpochStart> durable) {
        if (pending.isEmpty()) {
            return durable;
        }
        List<EpochStart> all = new ArrayList<>(durable);
        for (Write w : pending) {
            // epochs only grow: a write of an epoch the history already reached is in it (durable since,
            // its writer not yet told), or of that last epoch
            if (all.isEmpty() || w.epoch() > EpochHistory.lastEpoch(all)) {
                all.add(new EpochStart(w.epoch(), w.start()));
            }
        }
        return all;
    }

    /** Whether appends written are still waiting for durability. */
    boolean pending() {
        return !pending.isEmpty();
    }

    /** An append was written; its writer calls {@link #settled} once its wait ended. */
    Write written(long start, long end, long epoch) {
        Write w = new Write(start, end, epoch);
        pending.add(w);
        return w;
    }

    /** The durability wait of {@code w} ended, whatever its outcome (turn not held). */
    void settled(Write w) {
        lock.lock();
        try {
            pending.remove(w);
        } finally {
            unlock();
        }
    }

    /**
     * Waits (letting go of the turn meanwhile) until the written end reaches {@code offset}, at most
     * {@code millis} ms; returns whether it waited.
     */
    boolean awaitWritten(LongSupplier durable, long offset, long millis) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        boolean waited = false;
        while (offset > writtenEnd(durable.getAsLong())) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                break;
            }
            waited = true;
            if (!await(left)) {
                break;
            }
        }
        return waited;
    }

    /**
     * Waits (letting go of the turn meanwhile) until the engine's end reaches {@code end} or nothing
     * is pending (the appends failed and were cut).
     *
     * @throws IllegalStateException when interrupted (the server stops)
     */
    void awaitDurable(LongSupplier durable, long end) {
        while (!pending.isEmpty() && durable.getAsLong() < end) {
            if (!await(Long.MAX_VALUE)) {
                throw new IllegalStateException("interrupted while waiting for the partition's appends to be durable");
            }
        }
    }

    private boolean await(long nanos) {
        try {
            changed.awaitNanos(nanos);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
