package storelog.cluster;

import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import storelog.api.EpochHistory;
import storelog.api.EpochStart;
import storelog.api.PartitionKey;
import storelog.api.Record;

/**
 * The leader's push stream to one follower (docs/cluster.md "Replication"): one virtual thread
 * that sends each partition's missing records in order, in batches read from the leader's log
 * (never a second copy in memory: at most one batch per follower at a time), and resumes from what
 * the follower answers after any error. Woken by appends; idle otherwise.
 *
 * <p>Per partition it keeps where to send from ({@code next}); the follower's answers move it:
 * 200 to the follower's new end (never past what was sent: a follower's records beyond are unchecked), {@code offset_mismatch} to the follower's end, {@code log_mismatch}
 * back to where the two logs share an epoch (the follower truncates its divergent tail when the
 * leader's records reach it). A follower that holds more than the leader gets an empty batch at the
 * leader's end, which makes it cut what the leader does not have.
 */
final class FollowerStream implements Runnable {

    private static final Logger LOG = System.getLogger(FollowerStream.class.getName());
    private static final long IDLE_MILLIS = 1_000;
    private static final long MAX_BACKOFF_MILLIS = 1_000;

    private final String node;
    private final String http;
    private final LeaderTerm term;
    private final Set<PartitionKey> dirty = ConcurrentHashMap.newKeySet();
    private final Map<PartitionKey, Long> next = new ConcurrentHashMap<>();
    private final Map<PartitionKey, Long> followerNext = new ConcurrentHashMap<>();
    /** The committed end the follower was last told of, per partition. */
    private final Map<PartitionKey, Long> toldCommitted = new ConcurrentHashMap<>();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition woken = lock.newCondition();
    private volatile boolean running = true;
    private volatile boolean needState = true;
    private Thread thread;

    FollowerStream(String node, String http, LeaderTerm term) {
        this.node = node;
        this.http = http;
        this.term = term;
    }

    String node() {
        return node;
    }

    String http() {
        return http;
    }

    void start() {
        thread = Thread.ofVirtual().name("storelog-replicate-" + node).start(this);
    }

    /** Starts from what the follower said it holds at the start of the term (the catch-up's answer). */
    void knownState(PeerClient.State state) {
        adopt(state);
        needState = false;
    }

    /** The partition has new records: send them. */
    void wake(PartitionKey partition) {
        dirty.add(partition);
        signal();
    }

    private void signal() {
        lock.lock();
        try {
            woken.signal();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void run() {
        long backoff = 10;
        while (running) {
            try {
                if (needState) {
                    PeerClient.State state = term.client().state(http, node, term.epoch());
                    if (state.staleAgainst() >= 0) {
                        term.deposed(node, state.staleAgainst());
                        return;
                    }
                    adopt(state);
                    needState = false;
                }
                boolean worked = false;
                for (PartitionKey p : List.copyOf(dirty)) {
                    dirty.remove(p);
                    if (!running) {
                        return;
                    }
                    if (step(p)) {
                        dirty.add(p); // more to send, or to check again
                        worked = true;
                    }
                }
                backoff = 10;
                if (!worked && idle()) {
                    term.client().ping(http); // nothing to send for a while: still alive, so still in sync
                    term.tracker().healthy(node);
                }
            } catch (IOException e) {
                if (!running) {
                    return;
                }
                LOG.log(Level.DEBUG, "replication to {0} ({1}) failed, retrying in {2} ms: {3}", node, http, backoff, e.toString());
                needState = true;
                pause(backoff);
                backoff = Math.min(backoff * 2, MAX_BACKOFF_MILLIS);
            } catch (RuntimeException e) {
                if (!running) {
                    return;
                }
                LOG.log(Level.WARNING, "replication to " + node + " failed", e);
                needState = true;
                pause(MAX_BACKOFF_MILLIS);
            }
        }
    }

    /** Sends what {@code p} lacks on the follower; returns whether there is more to do for it. */
    private boolean step(PartitionKey p) throws IOException {
        LeaderTerm.LogView log = term.view(p);
        long end = log.end();
        long from = next.getOrDefault(p, 0L);
        long theirs = followerNext.getOrDefault(p, from);
        long committed = term.committed(p);
        if (from >= end && theirs <= end) {
            term.tracker().acknowledged(node, p, from, end);
            if (committed <= toldCommitted.getOrDefault(p, -1L)) {
                return false;
            }
            // nothing to send but what is committed now: an empty push at the end tells it
        }
        List<EpochStart> epochs = log.epochs();
        long prevEpoch = from == 0 ? -1 : epochAt(epochs, from - 1);
        List<Record> batch = from < end ? term.read(p, from, log) : List.of();
        long recordEpoch = batch.isEmpty() ? term.epoch() : epochAt(epochs, from);
        PeerClient.PushAnswer answer = term.client().push(http, node, p, from, term.epoch(), recordEpoch, prevEpoch, end,
                committed, batch);
        if (answer.ok()) {
            toldCommitted.put(p, committed);
            // what it holds past what was sent was never checked against this log: not counted, sent next
            long held = Math.min(answer.nextOffset(), from + batch.size());
            next.put(p, held);
            followerNext.put(p, answer.nextOffset());
            term.tracker().acknowledged(node, p, held, end);
            return held < term.leaderEnd(p) || (!batch.isEmpty() && answer.nextOffset() > held);
        }
        switch (answer.code()) {
            case "offset_mismatch" -> {
                next.put(p, Math.min(answer.nextOffset(), end));
                followerNext.put(p, answer.nextOffset());
                term.tracker().known(node, p, Math.min(answer.nextOffset(), end));
            }
            case "log_mismatch" -> {
                long agreed = back(epochs, from, end, answer.followerEpoch(), answer.followerEpochStart());
                next.put(p, agreed);
                term.tracker().known(node, p, agreed);
            }
            case "stale_epoch" -> {
                term.deposed(node, answer.epoch());
                running = false;
                return false;
            }
            default -> throw new IOException(node + " answered " + answer.status() + " " + answer.code());
        }
        return true;
    }

    /**
     * Where to try next after the follower said the record before {@code from} has epoch
     * {@code theirs} (starting at {@code theirsStart}) there: at the end of that epoch in the leader's
     * log when the leader has it, else before where it starts on the follower; always before {@code from}.
     */
    static long back(List<EpochStart> mine, long from, long end, long theirs, long theirsStart) {
        long to = EpochHistory.endOf(mine, theirs, end);
        if (!EpochHistory.has(mine, theirs)) {
            to = Math.min(to, theirsStart);
        }
        return Math.max(0, Math.min(to, from - 1));
    }

    private static long epochAt(List<EpochStart> epochs, long offset) {
        EpochStart e = EpochHistory.at(epochs, offset);
        return e == null ? 0 : e.epoch();
    }

    /** Takes the follower's state: sends each partition from where the two logs stop agreeing. */
    private void adopt(PeerClient.State state) {
        next.clear();
        followerNext.clear();
        toldCommitted.clear(); // it may have restarted: it knows nothing committed then
        for (Map.Entry<PartitionKey, PeerClient.PartitionState> e : state.partitions().entrySet()) {
            PartitionKey p = e.getKey();
            long theirs = e.getValue().nextOffset();
            LeaderTerm.LogView log = term.view(p);
            long shared = EpochHistory.divergence(log.epochs(), log.end(), e.getValue().epochs(), theirs);
            next.put(p, shared);
            followerNext.put(p, theirs);
            term.tracker().known(node, p, shared);
            dirty.add(p);
        }
        for (PartitionKey p : term.partitions()) {
            if (!state.partitions().containsKey(p)) {
                term.tracker().known(node, p, 0); // it has none of it
                dirty.add(p);
            }
        }
        term.tracker().healthy(node);
    }

    /** Waits for work; returns whether none came within {@value #IDLE_MILLIS} ms. */
    private boolean idle() {
        lock.lock();
        try {
            if (dirty.isEmpty() && running) {
                return !woken.await(IDLE_MILLIS, TimeUnit.MILLISECONDS) && dirty.isEmpty();
            }
            return false;
        } catch (InterruptedException e) {
            running = false;
            return false;
        } finally {
            lock.unlock();
        }
    }

    private void pause(long millis) {
        lock.lock();
        try {
            if (running) {
                woken.await(millis, TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            running = false;
        } finally {
            lock.unlock();
        }
    }

    void stop() {
        running = false;
        signal();
        if (thread != null) {
            thread.interrupt();
        }
    }

    /** Records the follower lacks of what the leader holds, summed over partitions. */
    long lagRecords() {
        long lag = 0;
        for (PartitionKey p : term.partitions()) {
            lag += Math.max(0, term.leaderEnd(p) - term.tracker().acked(node, p));
        }
        return lag;
    }
}
