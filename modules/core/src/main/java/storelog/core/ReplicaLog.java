package storelog.core;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import storelog.api.EpochHistory;
import storelog.api.EpochStart;
import storelog.api.NewRecord;
import storelog.api.OffsetMismatchException;
import storelog.api.PartitionInfo;
import storelog.api.PartitionKey;
import storelog.api.Record;
import storelog.api.StaleEpochException;
import storelog.api.spi.Leadership;
import storelog.api.spi.StorageEngine;

/**
 * The follower's side of replication (docs/cluster.md "Replication"): records a leader sends are
 * stored at the leader's offsets with the leader's epochs, after three checks —
 * <ol>
 *   <li><b>fencing</b>: the leader's epoch passes the {@link EpochCheck} and is not below the highest
 *       epoch this node has seen ({@link StaleEpochException}); a higher one is made durable in the
 *       {@link EpochFence} first, and a node that led with a lower epoch thereby stops leading;</li>
 *   <li><b>position</b>: the offset is not past this node's end ({@link OffsetMismatchException}
 *       with this node's next offset);</li>
 *   <li><b>log matching</b>: the record before the offset has, here, the epoch the leader says it has
 *       ({@link LogMismatchException} otherwise, so the leader goes back).</li>
 * </ol>
 * Records this node already holds with the same epoch at the same offset are the same records and
 * are skipped; from the first that differs, this node's log is <em>divergent</em> (an old leader's
 * unreplicated tail): it is truncated there, logged and reported, and the leader's records take its
 * place. A request that brings this log to where the leader's epoch starts records that start
 * ({@link StorageEngine#startEpoch}). The fence is checked again after storing: a sender fenced meanwhile is not told its records
 * are stored, since the newer leader's view of this node may not hold them.
 *
 * <p>A leader pipelines its pushes (several requests of one partition in flight), and connections
 * may deliver them out of order: a request whose offset is past this node's end waits, up to
 * {@value #REORDER_WAIT_MILLIS} ms, for the requests before it to land; only then is it refused with
 * this node's end ({@link OffsetMismatchException}), as when they never come.
 *
 * <p>Thread-safe: requests for one partition are checked and written one at a time, in offset
 * order ({@link PartitionTurn}), and wait for their durability after letting go of the partition, so
 * that pipelined requests share fsyncs. A request is answered only once its records, and all before
 * them, are durable.
 */
public final class ReplicaLog {

    private static final Logger LOG = System.getLogger(ReplicaLog.class.getName());
    private static final int KEPT_TRUNCATIONS = 100;
    /** How long a request past this node's end waits for the ones before it. */
    static final long REORDER_WAIT_MILLIS = 500;

    /**
     * A divergent tail this node cut.
     *
     * @param partition the partition
     * @param from      the first offset removed
     * @param count     how many records were removed
     * @param time      when, epoch ms
     */
    public record Truncation(PartitionKey partition, long from, long count, long time) {
    }

    /**
     * What a leader sends.
     *
     * @param partition   the partition
     * @param offset      the offset of the first record
     * @param epoch       the sending leader's epoch (fencing)
     * @param recordEpoch the epoch the records were written under (the leader's history)
     * @param prevEpoch   the epoch of the leader's record at {@code offset - 1}, or -1 to skip the check
     * @param leaderNext  the leader's next offset of the partition when it sent, or -1 when not given
     * @param committed   the leader's committed end of the partition (its {@link ReadFence}), or -1 when not given
     * @param epochStart  where the leader's epoch starts in the partition, or -1 when not given: a request that
     *                    brings this log to exactly there records that start ({@link StorageEngine#startEpoch})
     * @param records     the records, in offset order
     */
    public record Batch(PartitionKey partition, long offset, long epoch, long recordEpoch, long prevEpoch, long leaderNext,
                        long committed, long epochStart, List<NewRecord> records) {

        /** A batch that says nothing of what is committed, nor where the leader's epoch starts. */
        public Batch(PartitionKey partition, long offset, long epoch, long recordEpoch, long prevEpoch, long leaderNext,
                     List<NewRecord> records) {
            this(partition, offset, epoch, recordEpoch, prevEpoch, leaderNext, -1, -1, records);
        }
    }

    /**
     * What a request left: this node's next offset of the partition, and the partition's last epoch
     * here (durable; the sender's own once this node holds the start of its epoch).
     */
    public record Stored(long next, long lastEpoch) {
    }

    /**
     * One partition as this node holds it.
     *
     * @param nextOffset its next offset
     * @param epochs     its epoch history
     */
    public record PartitionState(long nextOffset, List<EpochStart> epochs) {
    }

    private final StorageEngine engine;
    private final LogService log;
    private final EpochFence fence;
    private final EpochCheck check;
    private final ClusterView cluster;
    private final Clock clock;
    private final ConcurrentHashMap<PartitionKey, PartitionTurn> turns = new ConcurrentHashMap<>();
    private final Deque<Truncation> truncations = new ArrayDeque<>();
    private final AtomicLong truncatedRecords = new AtomicLong();
    private final ReplicaLag lag;

    public ReplicaLog(StorageEngine engine, LogService log, EpochFence fence, EpochCheck check, ClusterView cluster, Clock clock) {
        this.engine = Objects.requireNonNull(engine, "engine");
        this.log = Objects.requireNonNull(log, "log");
        this.fence = Objects.requireNonNull(fence, "fence");
        this.check = Objects.requireNonNull(check, "check");
        this.cluster = Objects.requireNonNull(cluster, "cluster");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.lag = new ReplicaLag(this::nextOffset, clock);
    }

    /**
     * Stores what a leader sent (see the class comment).
     *
     * @return this node's next offset of the partition afterwards
     */
    public long replicate(Batch batch) {
        return store(batch).next();
    }

    /**
     * Stores what a leader sent (see the class comment) and, when that brings this log to the start
     * of the leader's epoch, records the start.
     *
     * @return this node's next offset of the partition and its last epoch afterwards
     */
    public Stored store(Batch batch) {
        if (batch.recordEpoch() < 0 || batch.recordEpoch() > batch.epoch()) {
            // a leader's records are of its epoch or an earlier one: a later one would fence every leader below it here
            throw new BadRequestException("invalid_epoch", "record_epoch " + batch.recordEpoch()
                    + " is not an epoch of records the leader of epoch " + batch.epoch() + " can hold (0 to " + batch.epoch() + ")");
        }
        admit(batch.epoch());
        requireFollower();
        PartitionKey p = batch.partition();
        PartitionTurn turn = turns.computeIfAbsent(p, k -> new PartitionTurn());
        Applied applied;
        turn.lock();
        try {
            if (turn.awaitWritten(() -> nextOffset(p), batch.offset(), REORDER_WAIT_MILLIS)) {
                requireNotFencedSince(batch.epoch()); // a newer leader may have asked this node's state meanwhile
            }
            applied = apply(batch, turn);
        } finally {
            turn.unlock();
        }
        if (applied.written() != null) {
            try {
                applied.written().await(); // durable together with what the requests before and after it wrote
            } finally {
                turn.settled(applied.write());
            }
            log.appended(p);
        }
        startEpoch(batch, turn);
        long lastEpoch = EpochHistory.lastEpoch(engine.epochs(p)); // read before the fence check: see requireNotFencedSince
        requireNotFencedSince(batch.epoch());
        lag.leaderEnd(p, batch.leaderNext(), applied.next());
        // what the leader committed, as far as this log now equals the leader's (not its unchecked tail)
        log.readFence().raise(p, Math.min(batch.committed(), batch.offset() + batch.records().size()));
        return new Stored(applied.next(), lastEpoch);
    }

    /**
     * Records where the leader's epoch starts ({@code epochStart}) once a request brought this log to
     * exactly there: the request was checked against the leader's log (position, log matching) up to
     * its end, so this log then equals the leader's below the start. A log that holds the start ranks
     * by the leader's epoch in a later leader's catch-up, above one that missed the epoch
     * (docs/cluster.md, "Reads"). Nothing is recorded when this node holds more than that (the
     * leader's next push cuts what it does not have, then this runs again), nor when the epoch's own
     * records already put it in the history.
     */
    private void startEpoch(Batch b, PartitionTurn turn) {
        long start = b.epochStart();
        if (start <= 0 || b.offset() + b.records().size() != start) {
            return;
        }
        PartitionKey p = b.partition();
        turn.lock();
        try {
            if (EpochHistory.lastEpoch(turn.history(engine.epochs(p))) >= b.epoch()) {
                return; // the epoch's own records are written behind this request (or a newer leader's)
            }
            turn.awaitDurable(() -> nextOffset(p), turn.writtenEnd(nextOffset(p))); // what is written now settles first
            if (nextOffset(p) == start && EpochHistory.lastEpoch(engine.epochs(p)) < b.epoch()) {
                engine.startEpoch(p, b.epoch(), start);
            }
        } finally {
            turn.unlock();
        }
    }

    /**
     * Appends one record in GoStoreLog's form (no offset, no epoch) at the partition's next offset,
     * as a record of epoch 0 — the only epoch such a sender can speak for. A partition that holds
     * records of a leader's epoch refuses it ({@link StaleEpochException}): appended, it would carry
     * that leader's epoch at an offset where the leader's own record goes, and the leader's record,
     * looking the same by epoch, would be skipped when it came — counted as stored here, but not here.
     *
     * @return its offset
     * @throws storelog.api.InvalidPartitionKeyException when the key is reserved
     */
    public long appendUnnumbered(PartitionKey partition, Payload payload) {
        PartitionTurn turn = turns.computeIfAbsent(partition, k -> new PartitionTurn());
        turn.lock();
        try {
            long written = EpochHistory.lastEpoch(engine.epochs(partition));
            if (written > 0) {
                throw new StaleEpochException("GoStoreLog's /replicate body carries no epoch (epoch 0); partition " + partition
                        + " holds records of leader epoch " + written + ": only that leader's pushes append to it", 0, written);
            }
            return log.appendReplica(partition, payload);
        } finally {
            turn.unlock();
        }
    }

    /**
     * What a request did: this node's end once it is durable, and the append still to wait for (null
     * when there is none: everything sent was here already).
     */
    private record Applied(long next, StorageEngine.PendingAppend written, PartitionTurn.Write write) {
    }

    /**
     * Checks a request and writes what this node lacks of it (turn held). Positions are checked
     * against the written end, which counts the records of the requests before it that still wait for
     * their fsync; cutting a divergent tail, or answering that everything sent is here, waits for them
     * first (they may yet fail and be cut).
     */
    private Applied apply(Batch b, PartitionTurn turn) {
        PartitionKey p = b.partition();
        while (true) {
            long durable = nextOffset(p);
            long next = turn.writtenEnd(durable);
            if (b.offset() > next) {
                throw new OffsetMismatchException(p, b.offset(), durable);
            }
            List<EpochStart> history = turn.history(engine.epochs(p));
            long written = EpochHistory.lastEpoch(history);
            if (b.epoch() < written) { // seen here, in this partition's own history (also when the checkpoint was lost)
                fence.raise(written);
                throw new StaleEpochException(b.epoch(), written);
            }
            if (b.offset() > 0 && b.prevEpoch() >= 0) {
                EpochStart before = EpochHistory.at(history, b.offset() - 1);
                long mine = before == null ? -1 : before.epoch();
                if (mine != b.prevEpoch()) {
                    throw new LogMismatchException(p.value(), b.offset(), b.prevEpoch(), durable, mine,
                            before == null ? 0 : before.startOffset());
                }
            }
            long end = b.offset() + b.records().size();
            // an empty batch is the leader saying its log ends at offset: a record here of another epoch is not the leader's
            long checkUntil = b.records().isEmpty() ? Math.min(next, b.offset() + 1) : Math.min(next, end);
            long same = EpochHistory.firstOtherEpoch(history, b.offset(), checkUntil, b.recordEpoch());
            if (same < checkUntil) {
                if (turn.pending()) {
                    turn.awaitDurable(() -> nextOffset(p), Long.MAX_VALUE);
                    continue;
                }
                truncate(p, same, next);
                next = same;
            }
            if (end <= next) { // everything sent is here already (a repeated request)
                if (end > durable && turn.pending()) {
                    turn.awaitDurable(() -> nextOffset(p), end);
                    continue;
                }
                return new Applied(turn.pending() ? durable : next, null, null);
            }
            List<NewRecord> rest = b.records().subList((int) (next - b.offset()), b.records().size());
            StorageEngine.PendingAppend append = engine.beginAppendAt(p, next, b.recordEpoch(), rest);
            return new Applied(end, append, turn.written(next, end, b.recordEpoch()));
        }
    }

    private void truncate(PartitionKey p, long from, long next) {
        engine.truncate(p, from);
        Truncation t = new Truncation(p, from, next - from, clock.millis());
        synchronized (truncations) {
            truncations.addLast(t);
            while (truncations.size() > KEPT_TRUNCATIONS) {
                truncations.removeFirst();
            }
        }
        truncatedRecords.addAndGet(t.count());
        LOG.log(Level.WARNING, "partition {0}: cut a divergent tail of {1} records from offset {2} (records a deposed "
                + "leader wrote that the current leader does not have)", p, t.count(), from);
    }

    /**
     * Fences with {@code epoch} and tells what this node holds: every partition's next offset and
     * epoch history. A new leader asks this of its followers before it serves (docs/cluster.md).
     */
    public Map<PartitionKey, PartitionState> state(long epoch) {
        admit(epoch);
        Map<PartitionKey, PartitionState> all = new LinkedHashMap<>();
        for (PartitionInfo info : engine.partitions()) {
            all.put(info.partition(), new PartitionState(info.nextOffset(), engine.epochs(info.partition())));
        }
        return all;
    }

    /**
     * Up to {@code max} records from {@code from} as stored here, past the read fence too: a new
     * leader's catch-up takes what a quorum holds, committed or not (it decides what is committed).
     *
     * @throws storelog.api.OffsetOutOfRangeException when {@code from} is past the end
     */
    public List<Record> stored(PartitionKey partition, long from, int max) {
        return engine.read(partition, from, Math.min(max, LogService.MAX_READ_RECORDS), LogService.MAX_READ_BYTES);
    }

    /** The epoch history of one partition (empty when it does not exist). */
    public List<EpochStart> epochs(PartitionKey partition) {
        return engine.epochs(partition);
    }

    private void admit(long epoch) {
        long highest = fence.highest();
        check.admit(epoch, highest);
        if (epoch < highest) {
            throw new StaleEpochException(epoch, highest);
        }
        fence.raise(epoch); // durable before anything of this leader is stored; a lower leader here stops leading
    }

    /**
     * After storing: a newer leader that asked this node's {@link #state} after the fence check above
     * was told of a log without these records (or without the epoch start recorded with them), so the
     * sender must not count them as held here
     * ({@link StaleEpochException}, though they are stored: the newer leader keeps or cuts them). The
     * state raises the fence before it reads the partitions, so whatever was stored before that
     * reading is in its answer, and whatever after sees the raised fence here.
     */
    private void requireNotFencedSince(long epoch) {
        long highest = fence.highest();
        if (epoch < highest) {
            throw new StaleEpochException(epoch, highest);
        }
    }

    private void requireFollower() {
        Leadership.Role role = cluster.leadership().role();
        if (role == Leadership.Role.LEADER) {
            throw new NotAFollowerException("this node is the leader; only followers accept /replicate");
        }
    }

    private long nextOffset(PartitionKey p) {
        return engine.info(p).map(PartitionInfo::nextOffset).orElse(0L);
    }

    /** Records this node lacks of what the leader last said it holds, summed over partitions. */
    public long lagRecords() {
        return lag.records();
    }

    /** Milliseconds since this node last held everything the leader had told it of (0 when it holds it now). */
    public long lagMillis() {
        return lag.millis();
    }

    /** The divergent tails cut since start, the most recent {@value #KEPT_TRUNCATIONS}, oldest first. */
    public List<Truncation> truncations() {
        synchronized (truncations) {
            return List.copyOf(truncations);
        }
    }

    /** Records cut as divergent since start. */
    public long truncatedRecords() {
        return truncatedRecords.get();
    }

    /** The highest epoch this node has seen. */
    public long highestEpoch() {
        return fence.highest();
    }
}
