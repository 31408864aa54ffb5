package storelog.cluster;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.function.ToLongFunction;
import storelog.api.EpochStart;
import storelog.api.PartitionInfo;
import storelog.api.PartitionKey;
import storelog.api.spi.StorageEngine;

/**
 * Where a leader's epoch starts in each partition (docs/cluster.md, "Reads"): recorded durably in
 * the partition's epoch history when the term begins, after its catch-up and before it serves
 * ({@link StorageEngine#startEpoch}: no record, offsets stay gap-free); sent with every push, so a
 * follower records it once its log reaches it; and until {@code MIN_INSYNC} nodes hold it, the term
 * commits nothing ({@link AckTracker}), because the records below it may be of older epochs, which
 * a quorum holding them does not make safe (Raft's "figure 8"), while a quorum holding the start
 * does: every later leader's catch-up then finds a log that ranks by this epoch or a later one.
 *
 * <p>Thread-safe: written by the term's start, read by its streams and tracker afterwards.
 */
final class EpochStarts {

    /** How many partitions record the start at once. */
    static final int PARALLEL = 32;

    private final long epoch;
    private final StorageEngine engine;
    private final Map<PartitionKey, Long> starts = new ConcurrentHashMap<>();

    EpochStarts(long epoch, StorageEngine engine) {
        this.epoch = epoch;
        this.engine = engine;
    }

    /**
     * Records the epoch's start, durably, at the end of every partition that holds records not known to
     * be committed ({@code committed}: the committed end this node learned as a follower). A partition
     * committed to its end needs none: the term commits no older record there, and its own records
     * carry its epoch into the followers' histories; so a failover costs nothing for idle partitions.
     * Each start is a
     * forced file replacement, so they run {@value #PARALLEL} at a time: the file system then shares
     * its journal commits among them, and a leader of many partitions serves sooner.
     *
     * @throws storelog.api.StaleEpochException when a partition holds a higher epoch (this node has seen it)
     * @throws RuntimeException                 the first failure of any partition, when one failed
     */
    void record(Collection<PartitionKey> partitions, ToLongFunction<PartitionKey> committed) {
        Semaphore slots = new Semaphore(PARALLEL);
        List<RuntimeException> failures = new CopyOnWriteArrayList<>();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (PartitionKey p : partitions) {
                slots.acquireUninterruptibly();
                pool.execute(() -> {
                    try {
                        record(p, committed.applyAsLong(p));
                    } catch (RuntimeException e) {
                        failures.add(e);
                    } finally {
                        slots.release();
                    }
                });
            }
        }
        if (!failures.isEmpty()) {
            throw failures.getFirst();
        }
    }

    private void record(PartitionKey p, long committed) {
        long end = engine.info(p).map(PartitionInfo::nextOffset).orElse(0L);
        if (end > committed) {
            engine.startEpoch(p, epoch, end);
        }
        for (EpochStart e : engine.epochs(p)) {
            if (e.epoch() == epoch && e.startOffset() > 0) {
                starts.put(p, e.startOffset());
            }
        }
    }

    /** Where the epoch starts in {@code p}: 0 when no older record lies below it (a partition new in this term). */
    long of(PartitionKey p) {
        return starts.getOrDefault(p, 0L);
    }
}
