package storelog.core;

import storelog.api.StaleEpochException;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import storelog.api.InvalidPartitionKeyException;
import storelog.api.InvalidRecordException;
import storelog.api.NewRecord;
import storelog.api.OffsetOutOfRangeException;
import storelog.api.PartitionInfo;
import storelog.api.PartitionKey;
import storelog.api.Record;
import storelog.api.spi.StorageEngine;

/**
 * The log's use cases: what the HTTP handlers and the connector handler call (DESIGN.md §8).
 * Handlers parse and validate the wire format; this class applies the rules (reserved keys, batch
 * limits, timestamps) and calls the {@link StorageEngine}. Thread-safe; methods block on I/O.
 */
public final class LogService {

    /** Most records one batch may carry. */
    public static final int MAX_BATCH_RECORDS = 10_000;
    /** Most payload bytes one range read returns (at least one record is always returned). */
    public static final long MAX_READ_BYTES = 4L << 20;
    /** Most records one range read returns. */
    public static final int MAX_READ_RECORDS = 10_000;
    /** Default of the most readers that may wait in {@link #awaitRecords} at once ({@code MAX_LONG_POLLS}). */
    public static final int DEFAULT_MAX_LONG_POLLS = 512;

    private final StorageEngine engine;
    private final ReadFence fence;
    private final Clock clock;
    private final AppendSignal appends;
    private final LeaderCheck leader;
    private volatile Replication replication = Replication.NONE;
    private final List<Consumer<PartitionKey>> appendListeners = new CopyOnWriteArrayList<>();

    /** The use cases of a standalone node (its own leader). */
    public LogService(StorageEngine engine, Clock clock) {
        this(engine, clock, DEFAULT_MAX_LONG_POLLS, LeaderCheck.STANDALONE);
    }

    /**
     * @param maxLongPolls most readers that may wait in {@link #awaitRecords} at once
     * @param leader       whether this node may accept client writes, and their epoch; asked on every publish
     */
    public LogService(StorageEngine engine, Clock clock, int maxLongPolls, LeaderCheck leader) {
        this.engine = Objects.requireNonNull(engine, "engine");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.appends = new AppendSignal(maxLongPolls);
        this.leader = Objects.requireNonNull(leader, "leader");
        this.fence = new ReadFence(appends::appended);
    }

    /** How far readers may read (off unless the cluster turns it on: {@code ACKS=all}). */
    public ReadFence readFence() {
        return fence;
    }

    /** What client writes wait for beyond this node's storage ({@code ACKS}); set once, before serving. */
    public void replication(Replication replication) {
        this.replication = Objects.requireNonNull(replication, "replication");
    }

    /**
     * Calls {@code listener} after every append to any partition, on the appending thread (it must
     * be quick and must not block): the replicator's wake-up.
     */
    public void onAppend(Consumer<PartitionKey> listener) {
        appendListeners.add(listener);
    }

    /**
     * Publishes one record to a client partition.
     *
     * @return its offset
     * @throws InvalidPartitionKeyException when the key is reserved ({@code __})
     * @throws InvalidRecordException       when the payload does not fit its type
     * @throws NotLeaderException           when this node does not lead
     */
    public long publish(PartitionKey partition, Payload payload) {
        return publishBatch(partition, List.of(payload));
    }

    /**
     * Publishes records to a client partition as one atomic unit: all are stored at consecutive
     * offsets, or none is.
     *
     * @return the offset of the first record
     * @throws InvalidRecordException when the batch is empty, too large, or any payload does not fit
     *                                its type (then nothing is stored)
     * @throws NotLeaderException     when this node does not lead (then nothing is stored)
     * @throws NotEnoughReplicasException when the acknowledgement rule does not hold, or this node
     *                                    stopped leading before it did (then it may be stored)
     */
    public long publishBatch(PartitionKey partition, List<Payload> payloads) {
        requireWritableByRequest(partition);
        long epoch = leader.requireLeader();
        if (payloads.isEmpty()) {
            throw new InvalidRecordException("a batch needs at least one record");
        }
        if (payloads.size() > MAX_BATCH_RECORDS) {
            throw new InvalidRecordException("a batch holds at most " + MAX_BATCH_RECORDS
                    + " records, this one " + payloads.size());
        }
        long now = clock.millis();
        List<NewRecord> records = new ArrayList<>(payloads.size());
        for (int i = 0; i < payloads.size(); i++) {
            Payload payload = payloads.get(i);
            try {
                records.add(new NewRecord(payload.type(), payload.bytes(), now));
            } catch (InvalidRecordException e) {
                throw payloads.size() == 1 ? e : new InvalidRecordException("record " + i + ": " + e.getMessage());
            }
        }
        Replication rule = replication;
        rule.beforeWrite(partition);
        long base = engine.append(partition, epoch, records);
        appended(partition);
        try {
            rule.awaitAcknowledged(partition, base + records.size());
        } catch (NotLeaderException e) {
            throw deposedAfterStoring(epoch, partition); // "not the leader" would tell the client it was not stored
        }
        requireStillLeading(epoch, partition);
        return base;
    }

    /**
     * After a write was stored and replicated: this node still leads in the epoch it was stamped
     * with. A newer leader raises this node's fence before it reads this node's log for its catch-up;
     * a record stored after that reading is not in what the newer leader saw and may be cut, whoever
     * else holds it, so it is not acknowledged.
     *
     * @throws NotEnoughReplicasException when this node stopped leading (the write is stored here but
     *                                    its outcome is unknown)
     */
    private void requireStillLeading(long epoch, PartitionKey partition) {
        long now;
        try {
            now = leader.requireLeader();
        } catch (NotLeaderException e) {
            now = -1;
        }
        if (now != epoch) {
            throw deposedAfterStoring(epoch, partition);
        }
    }

    private static NotEnoughReplicasException deposedAfterStoring(long epoch, PartitionKey partition) {
        return new NotEnoughReplicasException("this node stopped leading (epoch " + epoch + ") before the write to partition "
                + partition + " was acknowledged; it is stored here but its outcome is unknown", true);
    }

    /**
     * Appends records to an internal partition ({@code __gaps} ...) as the leader: stamped with its
     * epoch, replicated like any record, acknowledged after this node's own storage.
     *
     * @return the offset of the first record
     * @throws NotLeaderException when this node does not lead
     */
    public long appendInternal(PartitionKey partition, List<Payload> payloads) {
        if (!partition.isReserved()) {
            throw new IllegalArgumentException(partition + " is not an internal partition");
        }
        long epoch = leader.requireLeader();
        long now = clock.millis();
        List<NewRecord> records = payloads.stream().map(p -> new NewRecord(p.type(), p.bytes(), now)).toList();
        long base = engine.append(partition, epoch, records);
        appended(partition);
        return base;
    }

    /** Wakes the readers waiting on {@code partition} and tells the append listeners (after any append). */
    void appended(PartitionKey partition) {
        appends.appended(partition);
        for (Consumer<PartitionKey> listener : appendListeners) {
            listener.accept(partition);
        }
    }

    /**
     * Appends one record as a replica in GoStoreLog's form: at the partition's next offset. Never to
     * an internal partition ({@code __}): what a node keeps there is its own, never a request's say-so.
     *
     * @return its offset
     * @throws InvalidPartitionKeyException when the key is reserved
     */
    public long appendReplica(PartitionKey partition, Payload payload) {
        requireWritableByRequest(partition);
        long base = engine.append(partition, List.of(new NewRecord(payload.type(), payload.bytes(), clock.millis())));
        appended(partition);
        return base;
    }

    /** Reads one record (any partition, internal ones included), below the {@linkplain ReadFence read fence}. */
    public Record read(PartitionKey partition, long offset) {
        if (fence.enabled()) {
            long visible = visibleEnd(partition);
            if (offset >= visible && offset >= 0) {
                throw new OffsetOutOfRangeException(partition, offset, visible);
            }
        }
        return engine.read(partition, offset);
    }

    /**
     * Reads up to {@code max} records from {@code from}, in order (empty at the partition's end),
     * below the {@linkplain ReadFence read fence}.
     *
     * @throws OffsetOutOfRangeException when {@code from} is past the end
     */
    public List<Record> records(PartitionKey partition, long from, int max) {
        int most = clampMax(max);
        if (fence.enabled()) {
            long visible = visibleEnd(partition);
            if (from > visible) {
                throw new OffsetOutOfRangeException(partition, from, visible);
            }
            if (from == visible && from >= 0) {
                return List.of();
            }
            most = (int) Math.min(most, visible - Math.max(0, from));
        }
        return engine.read(partition, from, most, MAX_READ_BYTES);
    }

    /** The end readers may read to: the stored end, or less under the read fence. */
    public long visibleEnd(PartitionKey partition) {
        return fence.visibleEnd(partition, nextOffset(partition));
    }

    /**
     * Like {@link #records}, but when {@code from} is the partition's end, waits up to {@code wait}
     * for the first new record instead of returning empty at once. A partition that does not exist
     * yet is tailed from offset 0. Wakes on append, never by polling.
     *
     * @throws TooManyLongPollsException when it would wait while the most readers allowed wait already
     * @throws ShuttingDownException     when it would wait after {@link #stopWaiting()}
     */
    public List<Record> awaitRecords(PartitionKey partition, long from, int max, Duration wait) {
        long deadline = System.nanoTime() + wait.toNanos();
        while (true) {
            // a reader waits at the end, and under the read fence also between it and the stored end
            long stored = nextOffset(partition);
            if (from < fence.visibleEnd(partition, stored) || from > stored) {
                return records(partition, from, max);
            }
            long remaining = deadline - System.nanoTime();
            if (remaining <= 0) {
                return List.of();
            }
            if (appends.isClosed()) {
                throw new ShuttingDownException();
            }
            try (AppendSignal.Waiter waiter = appends.join(partition)) {
                // joined before this second look, so an append (or a raised fence) in between still wakes it
                if (from >= visibleEnd(partition) && !waiter.await(remaining)) {
                    return List.of();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return List.of();
            }
        }
    }

    /**
     * Releases every reader waiting in {@link #awaitRecords}: each returns the records that came, or
     * when none did throws {@link ShuttingDownException}, as do later readers that would wait. A
     * server that shuts down ends its long polls at once instead of at their deadlines, and tells
     * its tailing clients to go elsewhere instead of having them ask again and again.
     */
    public void stopWaiting() {
        appends.close();
    }

    /**
     * Gauges and counters of readers waiting in {@link #awaitRecords}: {@code waiting} (readers now),
     * {@code partitions} (partitions waited on now), {@code refused_total} (readers refused at the bound).
     */
    public Map<String, Long> longPollMetrics() {
        return Map.of("waiting", (long) appends.waiting(), "partitions", (long) appends.partitions(),
                "refused_total", appends.refused());
    }

    /** Every partition, in key order, internal ones included. */
    public List<PartitionInfo> partitions() {
        return engine.partitions();
    }

    private long nextOffset(PartitionKey partition) {
        return engine.info(partition).map(PartitionInfo::nextOffset).orElse(0L);
    }

    private static int clampMax(int max) {
        if (max < 1) {
            throw new InvalidRecordException("max must be at least 1, not " + max);
        }
        return Math.min(max, MAX_READ_RECORDS);
    }

    /** Internal partitions ({@code __}) hold what this node writes itself, never what a request says. */
    private static void requireWritableByRequest(PartitionKey partition) {
        if (partition.isReserved()) {
            throw new InvalidPartitionKeyException("partition key " + partition + " is reserved: keys beginning with "
                    + PartitionKey.RESERVED_PREFIX + " are for internal partitions");
        }
    }
}
