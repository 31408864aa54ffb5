package storelog.cluster;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;
import java.util.function.ObjLongConsumer;
import java.util.function.Supplier;
import java.util.function.ToLongFunction;
import storelog.api.PartitionKey;
import storelog.core.NotEnoughReplicasException;

/**
 * What each follower holds of each partition, as far as the leader knows, and the in-sync rule
 * (Kafka's ISR): a follower is in sync for a partition while it is a member and it held everything
 * the leader had within the last {@code REPLICA_LAG_MS}. Client writes under {@code ACKS=all} wait
 * here until every in-sync follower holds them and at least {@code MIN_INSYNC} nodes do.
 *
 * <p>Thread-safe. A waiter is woken by an acknowledgement only when the follower then holds its
 * write (no other acknowledgement can complete it: one below its end neither adds a holder nor
 * removes a pending follower), and by every other change of what the leader knows (a follower's
 * state, its health, the end of the term); each re-checks the time-based part of the rule (a follower
 * leaving the in-sync set) at least every {@value #RECHECK_MILLIS} ms. Waking only those keeps an
 * acknowledgement from waking every writer of the node (measured: with 64 writers the wake-ups and
 * their re-checks were a twentieth of the leader's CPU under {@code ACKS=all}).
 */
final class AckTracker {

    static final long RECHECK_MILLIS = 50;

    /** A writer waiting for the rule to hold up to {@code end}. */
    private record Waiter(long end, Condition woken) {
    }

    /** One follower's progress. */
    private static final class Follower {
        final Map<PartitionKey, Long> acked = new ConcurrentHashMap<>();
        final Map<PartitionKey, Long> caughtUpAt = new ConcurrentHashMap<>();
        /** The partitions whose history here holds the leader's epoch start (it said so after a push). */
        final Set<PartitionKey> holdsStart = ConcurrentHashMap.newKeySet();
        volatile long healthyAt;
    }

    private final int minInSync;
    private final long lagMillis;
    private final Supplier<Set<String>> members;
    private final ToLongFunction<PartitionKey> leaderEnd;
    private final LongSupplier clock;
    private final ObjLongConsumer<PartitionKey> committed;
    private final ToLongFunction<PartitionKey> epochStart;
    private final Map<String, Follower> followers = new ConcurrentHashMap<>();
    private final ReentrantLock lock = new ReentrantLock();
    /** The writers waiting, per partition; guarded by {@link #lock}. */
    private final Map<PartitionKey, List<Waiter>> waiters = new HashMap<>();
    private volatile boolean closed;

    /**
     * @param members   the node ids of the followers now in the membership view
     * @param leaderEnd the leader's next offset of a partition
     * @param clock     milliseconds, monotonic
     * @param committed told a partition's {@linkplain #committedEnd committed end} whenever it may have
     *                  risen (the read fence's raise; it ignores a lower end)
     */
    AckTracker(int minInSync, Duration replicaLag, Supplier<Set<String>> members, ToLongFunction<PartitionKey> leaderEnd,
               LongSupplier clock, ObjLongConsumer<PartitionKey> committed) {
        this(minInSync, replicaLag, members, leaderEnd, clock, committed, p -> 0);
    }

    /**
     * @param epochStart where the leader's epoch starts in a partition ({@link EpochStarts}; 0: no older
     *                   record below it): nothing is committed before {@code MIN_INSYNC} nodes hold that start
     */
    AckTracker(int minInSync, Duration replicaLag, Supplier<Set<String>> members, ToLongFunction<PartitionKey> leaderEnd,
               LongSupplier clock, ObjLongConsumer<PartitionKey> committed, ToLongFunction<PartitionKey> epochStart) {
        this.epochStart = epochStart;
        this.minInSync = minInSync;
        this.lagMillis = replicaLag.toMillis();
        this.members = members;
        this.leaderEnd = leaderEnd;
        this.clock = clock;
        this.committed = committed;
    }

    /**
     * The end up to which the acknowledgement rule holds for {@code partition} now: every in-sync
     * follower holds it, and {@code MIN_INSYNC} nodes (the leader included) do. What a reader may
     * see (Kafka's high watermark); 0 while fewer than {@code MIN_INSYNC} nodes are known, or hold the
     * start of the leader's epoch (records of older epochs below it are not safe by their copies
     * alone: docs/cluster.md, "Reads").
     */
    long committedEnd(PartitionKey partition) {
        long end = leaderEnd.applyAsLong(partition);
        long lowestInSync = end;
        List<Long> held = new ArrayList<>();
        held.add(end);
        int holdingStart = 1; // the leader recorded it before it served
        Set<String> now = members.get();
        for (String node : now) {
            long a = acked(node, partition);
            held.add(a);
            if (inSync(node, partition, now)) {
                lowestInSync = Math.min(lowestInSync, a);
            }
            if (holdsStart(node, partition)) {
                holdingStart++;
            }
        }
        if (held.size() < minInSync || holdingStart < minInSync) {
            return 0;
        }
        held.sort(Comparator.reverseOrder());
        return Math.min(lowestInSync, held.get(minInSync - 1));
    }

    /** A follower answered: it holds {@code partition} up to {@code next}; the leader's end was {@code endWhenSent} when the request was made. */
    void acknowledged(String node, PartitionKey partition, long next, long endWhenSent) {
        Follower f = followers.computeIfAbsent(node, n -> new Follower());
        long now = clock.getAsLong();
        f.healthyAt = now;
        long holds = f.acked.merge(partition, next, Math::max);
        if (next >= endWhenSent) {
            f.caughtUpAt.put(partition, now);
        }
        committed.accept(partition, committedEnd(partition));
        signal(partition, holds);
    }

    /**
     * A follower said (answering a push) that its history of {@code partition} holds the leader's
     * epoch start, durably; call before the push's {@link #acknowledged}, which then counts it.
     */
    void startHeld(String node, PartitionKey partition) {
        followers.computeIfAbsent(node, n -> new Follower()).holdsStart.add(partition);
    }

    /**
     * Whether {@code node} holds the leader's epoch start in {@code partition}: it said so, or it holds
     * records past the start (this term's own, which carry the epoch into its history).
     */
    boolean holdsStart(String node, PartitionKey partition) {
        long start = epochStart.applyAsLong(partition);
        Follower f = followers.get(node);
        return start == 0 || f != null && (f.holdsStart.contains(partition) || f.acked.getOrDefault(partition, 0L) > start);
    }

    /** A follower answered a request without news of a partition (it is alive). */
    void healthy(String node) {
        followers.computeIfAbsent(node, n -> new Follower()).healthyAt = clock.getAsLong();
        signal();
    }

    /**
     * What a follower holds of the leader's log now, as it said outside an acknowledgement (its state,
     * an {@code offset_mismatch}, a {@code log_mismatch}): it replaces what it acknowledged before,
     * since a follower can come back holding less (its disk replaced, its unsynced tail lost).
     */
    void known(String node, PartitionKey partition, long next) {
        Follower f = followers.computeIfAbsent(node, n -> new Follower());
        f.acked.put(partition, next);
        f.holdsStart.remove(partition); // until it says so again: it may have come back without it
        long now = clock.getAsLong();
        if (next >= leaderEnd.applyAsLong(partition)) {
            f.caughtUpAt.put(partition, now);
        } else {
            // behind when first known: it never held everything, so it is not in sync until it catches up
            f.caughtUpAt.putIfAbsent(partition, now - lagMillis - 1);
        }
        signal();
    }

    /** How far {@code node} holds {@code partition} (0 when unknown). */
    long acked(String node, PartitionKey partition) {
        Follower f = followers.get(node);
        return f == null ? 0 : f.acked.getOrDefault(partition, 0L);
    }

    /** Whether {@code node} is in sync for {@code partition} now. */
    boolean inSync(String node, PartitionKey partition) {
        return inSync(node, partition, members.get());
    }

    /** {@link #inSync(String, PartitionKey)} against the view {@code now} (read once by a caller that asks of every member). */
    private boolean inSync(String node, PartitionKey partition, Set<String> now) {
        if (!now.contains(node)) {
            return false;
        }
        Follower f = followers.get(node);
        if (f == null) {
            return false;
        }
        long end = leaderEnd.applyAsLong(partition);
        if (f.acked.getOrDefault(partition, 0L) >= end) {
            return true;
        }
        Long caughtUp = f.caughtUpAt.get(partition);
        long since = caughtUp != null ? caughtUp : f.healthyAt; // a new partition: as fresh as the follower is
        return clock.getAsLong() - since <= lagMillis;
    }

    /** Whether {@code node} is in sync for every partition it is behind on: the in-sync set of {@code /metrics}. */
    boolean inSyncEverywhere(String node, Iterable<PartitionKey> partitions) {
        for (PartitionKey p : partitions) {
            if (!inSync(node, p)) {
                return false;
            }
        }
        return members.get().contains(node) && followers.containsKey(node);
    }

    /** Milliseconds since {@code node} last held all of {@code partition} (0 when it holds it now). */
    long lagMillis(String node, PartitionKey partition) {
        Follower f = followers.get(node);
        if (f == null) {
            return -1;
        }
        if (f.acked.getOrDefault(partition, 0L) >= leaderEnd.applyAsLong(partition)) {
            return 0;
        }
        Long caughtUp = f.caughtUpAt.get(partition);
        return clock.getAsLong() - (caughtUp != null ? caughtUp : f.healthyAt);
    }

    /**
     * Before a write: at least {@code MIN_INSYNC} nodes, the leader included, are in sync for the partition.
     *
     * @throws NotEnoughReplicasException when not (nothing is stored)
     */
    void checkWritable(PartitionKey partition) {
        int inSync = 1;
        Set<String> now = members.get();
        for (String node : now) {
            if (inSync(node, partition, now)) {
                inSync++;
            }
        }
        if (inSync < minInSync) {
            throw new NotEnoughReplicasException("only " + inSync + " of the nodes are in sync for partition " + partition
                    + ", MIN_INSYNC is " + minInSync + ": nothing was stored", false);
        }
    }

    /**
     * Waits until every in-sync follower holds {@code partition} up to {@code end} and at least
     * {@code MIN_INSYNC} nodes do.
     *
     * @throws NotEnoughReplicasException when that can no longer happen, or not within {@code timeout}
     */
    void await(PartitionKey partition, long end, Duration timeout) {
        long deadline = clock.getAsLong() + timeout.toMillis();
        lock.lock();
        Waiter waiter = new Waiter(end, lock.newCondition());
        waiters.computeIfAbsent(partition, p -> new ArrayList<>()).add(waiter);
        try {
            while (true) {
                if (closed) {
                    throw new NotEnoughReplicasException("this node stopped leading before the write to partition " + partition
                            + " reached enough nodes; it is stored here but was not acknowledged", true);
                }
                int holding = 1;
                int pending = 0;
                Set<String> now = members.get();
                for (String node : now) {
                    if (acked(node, partition) >= end) {
                        holding++;
                    } else if (inSync(node, partition, now)) {
                        pending++;
                    }
                }
                if (pending == 0 && holding >= minInSync) {
                    committed.accept(partition, end); // visible to readers before the writer hears of it
                    return;
                }
                if (holding + pending < minInSync || clock.getAsLong() >= deadline) {
                    throw new NotEnoughReplicasException("the write to partition " + partition + " up to offset " + (end - 1)
                            + " is held by " + holding + " node(s), MIN_INSYNC is " + minInSync
                            + ": it is stored on the leader but was not acknowledged", true);
                }
                waiter.woken().await(RECHECK_MILLIS, TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new NotEnoughReplicasException("interrupted while waiting for the followers; the write is stored here but was not acknowledged", true);
        } finally {
            List<Waiter> of = waiters.get(partition);
            of.remove(waiter);
            if (of.isEmpty()) {
                waiters.remove(partition);
            }
            lock.unlock();
        }
    }

    /** Wakes every waiter: something other than an acknowledgement changed. */
    private void signal() {
        lock.lock();
        try {
            waiters.values().forEach(of -> of.forEach(w -> w.woken().signal()));
        } finally {
            lock.unlock();
        }
    }

    /** A follower now holds {@code partition} up to {@code held}: wakes the waiters that this can complete. */
    private void signal(PartitionKey partition, long held) {
        lock.lock();
        try {
            List<Waiter> of = waiters.get(partition);
            if (of != null) {
                for (Waiter w : of) {
                    if (w.end() <= held) {
                        w.woken().signal();
                    }
                }
            }
        } finally {
            lock.unlock();
        }
    }

    /** Fails every waiter (the term ended). */
    void close() {
        closed = true;
        signal();
    }
}
