package storelog.cluster;

import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import storelog.api.EpochHistory;
import storelog.api.EpochStart;
import storelog.api.PartitionKey;
import storelog.api.Record;

/**
 * The leader's push stream to one follower (docs/cluster.md "Replication"): one virtual thread
 * that sends each partition's missing records in order, in batches read from the leader's log, and
 * resumes from what the follower answers after any error. Woken by appends and by answers; idle
 * otherwise.
 *
 * <p>The push is pipelined: up to {@code REPLICATION_WINDOW} requests are in flight to the follower
 * at once ({@link PushWindow}), each sent by a virtual thread of its own, successive batches of one
 * partition included; the follower applies them in offset order, whatever order they reach it in.
 * The leader holds at most that many batches for a follower (never a second copy of its log).
 * Answers come back to this stream's thread, which alone keeps the window. Of a partition's requests
 * that do not fill a batch (they reach the leader's end), one at a time is in flight: what is appended
 * meanwhile waits for its answer and goes in one request ({@link PushWindow#partialInFlight}).
 *
 * <p>Per partition the window keeps where to send from; the follower's answers move it: 200 counts
 * the follower as holding up to its new end (never past what that request sent: a follower's records
 * beyond are unchecked), {@code offset_mismatch} resumes from the follower's end, {@code log_mismatch}
 * back from where the two logs share an epoch (the follower truncates its divergent tail when the
 * leader's records reach it); either drops what is in flight for the partition. Any other failure
 * drops everything in flight and asks the follower's state again. A follower that holds more than
 * the leader gets an empty batch at the leader's end, which makes it cut what the leader does not have.
 * Every push says where the leader's epoch starts in the partition; a 200 whose {@code last_epoch} is
 * the leader's counts the follower as holding that start ({@link AckTracker#holdsStart}), and a
 * follower that holds everything but the start gets one empty push at the leader's end for it.
 */
final class FollowerStream implements Runnable {

    private static final Logger LOG = System.getLogger(FollowerStream.class.getName());
    private static final long IDLE_MILLIS = 1_000;
    private static final long MAX_BACKOFF_MILLIS = 1_000;

    /** A request's end: its answer, or why there is none. */
    private record Done(PushWindow.Push push, long committed, PeerClient.PushAnswer answer, IOException failure) {
    }

    private final String node;
    private final String http;
    private final LeaderTerm term;
    private final Set<PartitionKey> dirty = ConcurrentHashMap.newKeySet();
    private final PushWindow window;
    /** The committed end the follower was last told of, per partition (it serves records below it). */
    private final Map<PartitionKey, Long> toldCommitted = new ConcurrentHashMap<>();
    /**
     * The partitions sent an empty push at the leader's epoch start so that the follower records it
     * (see {@link #step}); asked once per state of the follower, so one that answers without
     * recording it (it holds more, to be cut first) is not asked in a loop.
     */
    private final Set<PartitionKey> toldStart = ConcurrentHashMap.newKeySet();
    private final Queue<Done> done = new ConcurrentLinkedQueue<>();
    private final Set<Thread> senders = ConcurrentHashMap.newKeySet();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition woken = lock.newCondition();
    private volatile boolean running = true;
    private volatile boolean needState = true;
    private Thread thread;

    FollowerStream(String node, String http, LeaderTerm term, int window) {
        this.node = node;
        this.http = http;
        this.term = term;
        this.window = new PushWindow(window);
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

    /** Starts from what the follower said it holds at the start of the term (the catch-up's answer); before {@link #start}. */
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
                boolean worked = answers();
                if (!running) {
                    return;
                }
                if (needState) {
                    PeerClient.State state = term.client().state(http, node, term.epoch());
                    if (state.staleAgainst() >= 0) {
                        deposed(state.staleAgainst());
                        return;
                    }
                    adopt(state);
                    needState = false;
                }
                for (PartitionKey p : List.copyOf(dirty)) {
                    if (!running || !window.hasRoom()) {
                        break;
                    }
                    dirty.remove(p);
                    if (step(p)) {
                        dirty.add(p); // more to send once there is room
                        worked = true;
                    }
                }
                backoff = 10;
                if (!worked && idle()) {
                    term.client().ping(http); // nothing sent or answered for a while: still alive, so still in sync
                    term.tracker().healthy(node);
                }
            } catch (IOException e) {
                if (!running) {
                    return;
                }
                LOG.log(Level.DEBUG, "replication to {0} ({1}) failed, retrying in {2} ms: {3}", node, http, backoff, e.toString());
                resync();
                pause(backoff);
                backoff = Math.min(backoff * 2, MAX_BACKOFF_MILLIS);
            } catch (RuntimeException e) {
                if (!running) {
                    return;
                }
                LOG.log(Level.WARNING, "replication to " + node + " failed", e);
                resync();
                pause(MAX_BACKOFF_MILLIS);
            }
        }
    }

    /** Drops what is in flight; the follower's state is asked again before anything more is sent. */
    private void resync() {
        window.clear();
        needState = true;
    }

    /**
     * Sends the next batch of {@code p} the follower lacks, when there is one and the window has room;
     * returns whether there is more to send of it now.
     */
    private boolean step(PartitionKey p) {
        long committed = term.committed(p); // read before the end: never past it
        LeaderTerm.LogView log = term.view(p);
        long end = log.end();
        long from = window.next(p);
        if (from < end && end - from < ReplicationSettings.MAX_BATCH_RECORDS && window.partialInFlight(p)) {
            // less than a full batch while a partial one is in flight: sent, with what comes meanwhile, on its answer
            // (one request per round trip instead of one per append: the push's cost is mostly per request)
            return false;
        }
        if (from >= end) {
            if (window.inFlight(p) > 0) {
                return false; // its answers move it on
            }
            if (window.theirs(p) <= end) {
                term.tracker().acknowledged(node, p, from, end);
                // it holds everything but perhaps not this epoch's start, which nothing else will bring it
                boolean startDue = end == term.epochStart(p) && !term.tracker().holdsStart(node, p) && !toldStart.contains(p);
                if (committed <= toldCommitted.getOrDefault(p, -1L) && !startDue) {
                    return false;
                }
                // nothing to send but what is committed now, or the epoch's start: an empty push at the end tells it
                toldStart.add(p);
            }
        }
        List<EpochStart> epochs = log.epochs();
        long prevEpoch = from == 0 ? -1 : epochAt(epochs, from - 1);
        List<Record> batch = from < end ? term.read(p, from, log) : List.of();
        long recordEpoch = batch.isEmpty() ? term.epoch() : epochAt(epochs, from);
        PushWindow.Push push = window.send(p, batch.size(), end);
        Thread sender = Thread.ofVirtual().name("storelog-replicate-" + node + "-push").unstarted(() -> {
            try {
                finished(new Done(push, committed, term.client().push(http, node, p, from, term.epoch(), recordEpoch, prevEpoch, end,
                        committed, term.epochStart(p), batch), null));
            } catch (IOException e) {
                finished(new Done(push, committed, null, e));
            }
        });
        senders.add(sender);
        sender.start();
        if (!running) {
            sender.interrupt(); // stop() ran while it was being sent: it ends with the others
        }
        return push.end() < end;
    }

    private void finished(Done d) {
        senders.remove(Thread.currentThread());
        done.add(d);
        signal();
    }

    /** Takes the answers that came back; returns whether there were any. */
    private boolean answers() throws IOException {
        boolean any = false;
        for (Done d = done.poll(); d != null && running; d = done.poll()) {
            any = true;
            boolean counts = window.completed(d.push());
            if (d.answer() != null && d.answer().code().equals("stale_epoch")) {
                deposed(d.answer().epoch()); // true of the follower whichever request it answered
                return true;
            }
            if (counts) {
                answer(d);
            }
        }
        return any;
    }

    /** A counting request's end moves its partition's lane (see the class comment). */
    private void answer(Done d) throws IOException {
        PushWindow.Push push = d.push();
        PartitionKey p = push.partition();
        if (d.failure() != null) {
            throw d.failure();
        }
        PeerClient.PushAnswer answer = d.answer();
        dirty.add(p);
        if (answer.ok()) {
            if (answer.lastEpoch() == term.epoch()) {
                term.tracker().startHeld(node, p); // durably, so this epoch's start counts towards MIN_INSYNC
            }
            toldCommitted.merge(p, d.committed(), Math::max); // it serves up to there (what it holds of it)
            // what it holds past what was sent was never checked against this log: not counted, sent next
            long held = Math.min(answer.nextOffset(), push.end());
            window.theirs(p, answer.nextOffset());
            if (held < push.end()) { // it holds less than it just took: resume from there
                window.reset(p, held, answer.nextOffset());
            }
            term.tracker().acknowledged(node, p, held, push.endWhenSent());
            return;
        }
        toldStart.remove(p); // its log moves: it may reach the start anew
        switch (answer.code()) {
            case "offset_mismatch" -> {
                long at = Math.min(answer.nextOffset(), push.endWhenSent());
                window.reset(p, at, answer.nextOffset());
                // its end may cover a tail never checked against this log (a deposed leader's): counted no further
                // than before; the push from there checks it
                term.tracker().known(node, p, Math.min(at, term.tracker().acked(node, p)));
            }
            case "log_mismatch" -> {
                long agreed = back(term.view(p).epochs(), push.from(), push.endWhenSent(), answer.followerEpoch(),
                        answer.followerEpochStart());
                window.reset(p, agreed, window.theirs(p));
                // where the two logs may agree, not where they were seen to: counted no further than before
                term.tracker().known(node, p, Math.min(agreed, term.tracker().acked(node, p)));
            }
            default -> throw new IOException(node + " answered " + answer.status() + " " + answer.code());
        }
    }

    private void deposed(long higher) {
        running = false;
        term.deposed(node, higher);
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
        window.clear();
        toldCommitted.clear(); // it may have restarted: then it knows nothing committed
        toldStart.clear();
        for (Map.Entry<PartitionKey, PeerClient.PartitionState> e : state.partitions().entrySet()) {
            PartitionKey p = e.getKey();
            long theirs = e.getValue().nextOffset();
            LeaderTerm.LogView log = term.view(p);
            long shared = EpochHistory.divergence(log.epochs(), log.end(), e.getValue().epochs(), theirs);
            window.reset(p, shared, theirs);
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

    /**
     * Waits for work (a partition to send while there is room, an answer); returns whether none came
     * within {@value #IDLE_MILLIS} ms while nothing was in flight.
     */
    private boolean idle() {
        lock.lock();
        try {
            if (done.isEmpty() && (dirty.isEmpty() || !window.hasRoom()) && running) {
                boolean quiet = !woken.await(IDLE_MILLIS, TimeUnit.MILLISECONDS);
                return quiet && done.isEmpty() && dirty.isEmpty() && window.inFlight() == 0;
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

    /** Stops sending: the stream's thread ends, and so does every request in flight (interrupted). */
    void stop() {
        running = false;
        signal();
        if (thread != null) {
            thread.interrupt();
        }
        senders.forEach(Thread::interrupt);
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
