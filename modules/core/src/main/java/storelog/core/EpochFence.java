package storelog.core;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The highest leader epoch this node has seen: the fence that keeps deposed leaders out. A cluster
 * keeps it on disk (it never goes back, also across restarts); a standalone node in memory.
 * Thread-safe.
 */
public interface EpochFence {

    /** The highest epoch seen so far. */
    long highest();

    /** Makes {@code epoch} the highest seen when it is higher, durably, before returning. */
    void raise(long epoch);

    /** A fence in memory, starting at 0. */
    static EpochFence inMemory() {
        AtomicLong highest = new AtomicLong();
        return new EpochFence() {
            @Override
            public long highest() {
                return highest.get();
            }

            @Override
            public void raise(long epoch) {
                highest.accumulateAndGet(epoch, Math::max);
            }
        };
    }
}
