package storelog.api.spi;

import java.util.List;
import java.util.Optional;
import storelog.api.CorruptRecordException;
import storelog.api.EpochStart;
import storelog.api.NewRecord;
import storelog.api.OffsetMismatchException;
import storelog.api.OffsetOutOfRangeException;
import storelog.api.PartitionInfo;
import storelog.api.PartitionKey;
import storelog.api.Record;
import storelog.api.StaleEpochException;
import storelog.api.StorageFailedException;
import storelog.api.StorageFullException;
import storelog.api.UnknownPartitionException;

/**
 * An open store of partitioned, append-only logs. Obtained from {@link StorageEngineProvider#open}.
 *
 * <h2>Contract</h2>
 * <ul>
 *   <li><b>Offsets.</b> Each partition numbers its records 0, 1, 2 ... with no holes. Whether an
 *       offset can ever name other data after a crash depends on the durability policy, and each
 *       engine states its own (the file engine in its start-up log line and per {@code FSYNC}):
 *       <ul>
 *         <li>when appends are acknowledged only once durable (file engine: {@code FSYNC=always}), an
 *             offset is never reused once a reader could have seen it or an append was acknowledged
 *             with it — across segment rolls, restarts, process crashes and power loss;</li>
 *         <li>when appends are acknowledged before they are durable (file engine: {@code interval},
 *             {@code never}), a crash can lose the last acknowledged records; the restarted log goes on
 *             from the last record that survived, so <em>their offsets are handed out again, to different
 *             data</em>. Callers that remember offsets across a crash (replication, consumers) must not
 *             assume more.</li>
 *       </ul>
 *       A damaged record (a bad sector, a flipped bit) keeps its offset: reads of it fail with
 *       {@link CorruptRecordException}, the records after it are still served.</li>
 *   <li><b>Atomicity.</b> An append of several records is all or nothing: readers never see part of
 *       it, and a failed append leaves no trace (its offsets are given to the next append).</li>
 *   <li><b>Durability.</b> An append returns when its records are as durable as the engine's
 *       configured policy promises (for the file engine, {@code FSYNC}); only then is it
 *       acknowledged. Readers only see records that are at least that durable.</li>
 *   <li><b>Linearizability.</b> Per partition, every answer (appends, reads, ranges, {@link #info},
 *       {@link #partitions()} entries, {@link OffsetMismatchException}'s next offset) fits one order of
 *       the operations consistent with their real-time order. Across partitions nothing is promised
 *       beyond that.</li>
 *   <li><b>Threading.</b> Every method is thread-safe. Appends to one partition are serialised in
 *       call order of lock acquisition; appends to different partitions and all reads run
 *       concurrently. Methods block (I/O); callers may be virtual threads.</li>
 *   <li><b>Errors.</b> Unchecked {@link storelog.api.StoreLogException}s: {@link StorageFullException}
 *       (clean failure, retry later), {@link StorageFailedException} (partition closed for writes
 *       until reopened — except a transient shortage of resources such as file descriptors, which
 *       fails only that append, says it can be retried, and leaves the partition writable),
 *       {@link CorruptRecordException} (never wrong data).</li>
 *   <li><b>Lifecycle.</b> Opening recovers from a crash; {@link #serving()} says the node serves
 *       (deferred background work may start); {@link #close()} makes everything durable and marks a
 *       clean shutdown. After close every method throws {@link IllegalStateException}.</li>
 * </ul>
 */
public interface StorageEngine extends AutoCloseable {

    /**
     * Appends records at the partition's next offset, creating the partition if needed.
     *
     * @return the offset of the first record; the others follow it
     * @throws IllegalArgumentException when {@code records} is empty
     */
    long append(PartitionKey partition, List<NewRecord> records);

    /**
     * Appends records only if the partition's next offset is {@code expectedOffset} (replication:
     * a follower stores the leader's offsets exactly).
     *
     * @throws OffsetMismatchException carrying the partition's next offset as readers see it at that
     *         moment — never one that counts appends still in flight, which may yet fail and have their
     *         offsets given to other records
     */
    long appendAt(PartitionKey partition, long expectedOffset, List<NewRecord> records);

    /**
     * Appends records written under leader epoch {@code epoch}, like {@link #append(PartitionKey, List)}.
     * When {@code epoch} is above the partition's latest epoch, the entry {@code (epoch, first offset)}
     * is added to its {@linkplain #epochs epoch history}, durably, before any of the records can be
     * durable or visible (so no crash leaves records whose epoch the history does not know). The records
     * of an append without an epoch belong to the partition's latest epoch (0 for a new partition).
     * A last entry that has no records yet (its append failed, or a crash cut them) is no reason to
     * refuse a lower epoch: the append replaces it. Appends of the latest epoch cost nothing extra.
     *
     * @throws StaleEpochException      when the partition holds records of a higher epoch (nothing is stored)
     * @throws IllegalArgumentException when {@code epoch} is negative or {@code records} is empty
     */
    long append(PartitionKey partition, long epoch, List<NewRecord> records);

    /**
     * {@link #appendAt(PartitionKey, long, List)} for records of leader epoch {@code epoch}: a
     * follower stores the leader's records at the leader's offsets with the leader's epochs. A stale
     * epoch is refused before the offset is compared.
     *
     * @throws OffsetMismatchException as {@link #appendAt(PartitionKey, long, List)}
     * @throws StaleEpochException     when the partition holds records of a higher epoch
     */
    long appendAt(PartitionKey partition, long expectedOffset, long epoch, List<NewRecord> records);

    /**
     * An append written but perhaps not yet durable ({@link #beginAppendAt}).
     */
    interface PendingAppend {

        /**
         * Returns the first record's offset once the records are as durable (and visible) as an
         * append of the engine's policy is when it returns; throws what such an append would throw
         * when they cannot be made so (the engine then cuts them, and every append after them).
         * Called once, by the thread that began the append, and without delay: the durability of
         * appends begun after it may wait for it (the file engine's group commit).
         */
        long await();
    }

    /**
     * {@link #appendAt(PartitionKey, long, long, List)} in two steps, for a caller that orders its
     * appends of a partition itself and must not wait for one's durability before it writes the next
     * (a follower's pipelined replication requests then share fsyncs): when this returns the records
     * are written, so an append at their end is taken next, but they are neither durable nor visible
     * before {@link PendingAppend#await()} returned. Errors of the write itself are thrown here.
     * The default appends and waits at once; decorators that override {@code appendAt} keep it.
     *
     * @throws OffsetMismatchException as {@link #appendAt(PartitionKey, long, List)}
     * @throws StaleEpochException     when the partition holds records of a higher epoch
     */
    default PendingAppend beginAppendAt(PartitionKey partition, long expectedOffset, long epoch, List<NewRecord> records) {
        long base = appendAt(partition, expectedOffset, epoch, records);
        return () -> base;
    }

    /**
     * Records that leader epoch {@code epoch} starts at {@code startOffset}, the partition's next offset,
     * without a record: the entry {@code (epoch, startOffset)} is added to its {@linkplain #epochs epoch
     * history}, durably (forced, whatever the durability policy) before this returns. A new leader does
     * this in every partition when its term begins, and a follower when the leader's first push brings
     * its log to that point (docs/cluster.md, "Reads"): a log that holds the epoch then ranks above one
     * that missed it, although offsets stay gap-free (no marker record). The entry lasts like any other:
     * a crash that loses records below it removes it with them, and a truncation to {@code startOffset}
     * or below removes it. An append of {@code epoch} at {@code startOffset} then finds it in place. Does
     * nothing when the partition's latest entry is already of {@code epoch}. A latest entry of a lower
     * epoch without records (a failed append's) is replaced.
     *
     * @throws UnknownPartitionException when the partition does not exist
     * @throws OffsetMismatchException   when {@code startOffset} is not the next offset readers see (appends
     *                                   in flight are waited for first, as by {@link #appendAt})
     * @throws StaleEpochException       when the history holds a higher epoch (nothing is recorded)
     * @throws IllegalArgumentException  when {@code epoch} is negative
     * @throws StorageFailedException    as an append (a damaged history included)
     */
    void startEpoch(PartitionKey partition, long epoch, long startOffset);

    /**
     * The partition's leader-epoch history, oldest first: every entry's start offset is below or at
     * the partition's next offset (an entry whose records were all lost or truncated is removed; the
     * last entry may start at the next offset when no record of it is stored yet). Empty when the
     * partition does not exist. Kept beside the partition's data, durable, checked by {@code verify}.
     * Linearizable with appends and truncations like every other answer: "the next offset" is the one
     * readers see, so no entry starts beyond the records a reader can read, and an epoch whose first
     * records are still in flight (not yet visible) is not shown before them.
     *
     * @throws StorageFailedException when the partition's history is damaged: it cannot be rebuilt from
     *         the records (they carry no epoch), so the engine never answers with a guessed one; appends
     *         and truncations of that partition fail the same way (reads still work), except a
     *         truncation to 0, which leaves no record of an unknown epoch and starts a new history
     */
    List<EpochStart> epochs(PartitionKey partition);

    /**
     * Reads one record.
     *
     * @throws UnknownPartitionException when the partition does not exist
     * @throws OffsetOutOfRangeException when the offset is negative or not yet visible
     * @throws CorruptRecordException    when the stored bytes fail their checks
     */
    Record read(PartitionKey partition, long offset);

    /**
     * Reads up to {@code maxRecords} consecutive records from {@code fromOffset}, stopping early once
     * their payloads pass {@code maxBytes} (at least one record is returned when one exists). Returns
     * an empty list when {@code fromOffset} is the partition's next offset.
     *
     * @throws UnknownPartitionException when the partition does not exist
     * @throws OffsetOutOfRangeException when {@code fromOffset} is negative or past the next offset
     */
    List<Record> read(PartitionKey partition, long fromOffset, int maxRecords, long maxBytes);

    /**
     * The partition's state, or empty when it does not exist. A partition comes into existence with
     * its first visible record: while its first append is in flight it does not exist yet (for
     * {@code info}, reads and {@link #partitions()} alike).
     */
    Optional<PartitionInfo> info(PartitionKey partition);

    /**
     * Every partition, in key order. Consistent per partition, not an atomic snapshot: each entry is
     * what {@link #info} answered for that partition at some moment during the call, but a partition
     * created or appended to while the list is built may appear with its state from before or after
     * that change, independently of the others.
     */
    List<PartitionInfo> partitions();

    /**
     * Removes the records from {@code fromOffset} on, so the partition's next offset becomes
     * {@code fromOffset}, and the entries of the epoch history ({@link #epochs}) that start at or after
     * it (also when {@code fromOffset} is the next offset and no record is cut); durable when it
     * returns. Only for a follower whose log diverged from a new leader's; never used on records a
     * client was told are stored under {@code ACKS=all}.
     *
     * @throws OffsetOutOfRangeException when {@code fromOffset} is negative or past the next offset
     */
    void truncate(PartitionKey partition, long fromOffset);

    /**
     * The engine's counters and gauges for {@code /metrics}, by snake_case name (for example
     * {@code fsyncs_total}, {@code open_files}). Thread-safe; a snapshot.
     */
    default java.util.Map<String, Long> metrics() {
        return java.util.Map.of();
    }

    /**
     * Tells the engine that its node now serves requests (the launcher calls it once, right after its
     * web server started and readiness turned true): work an engine put off so as not to compete with
     * the node's start-up for the CPU — the file engine's background recovery of the partitions of an
     * unclean stop — may begin. Returns at once and throws nothing; calls after the first, or after
     * {@link #close()}, do nothing. An engine must not depend on it for correctness nor for its deferred
     * work ever to happen: embedded users may never call it (the file engine then starts that work
     * after a bounded delay, {@code STORE_RECOVERY_DELAY_MS}). Decorators pass it on.
     */
    default void serving() {
    }

    /** Makes everything durable, releases files and marks a clean shutdown. Idempotent. */
    @Override
    void close();
}
