package storelog.cluster;

import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.LongConsumer;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import storelog.api.EpochHistory;
import storelog.api.EpochStart;
import storelog.api.PartitionInfo;
import storelog.api.PartitionKey;
import storelog.api.Record;
import storelog.api.StaleEpochException;
import storelog.api.spi.Member;
import storelog.api.spi.StorageEngine;
import storelog.core.ReadFence;

/**
 * One term of this node as leader, with epoch {@link #epoch()} (docs/cluster.md "Replication"):
 * <ol>
 *   <li><b>catch-up</b>: it fences the other members with its epoch and asks what they hold
 *       ({@code /replica/state}); once {@code MIN_INSYNC} nodes (itself included) answered — every
 *       acknowledged record is on at least that many, so on one of them — it takes, for each
 *       partition, the most up-to-date log among them (highest last epoch, then longest) and, when
 *       that is not its own, cuts its own divergent tail and copies the records it lacks
 *       ({@code /replica/records}, {@link BestLogs}); a copy that fails, or whose node left the view, makes it ask
 *       the members again rather than serve without those records;</li>
 *   <li><b>its epoch's start</b>: it records, durably, that its epoch starts at the end of every
 *       partition ({@link EpochStarts}); it commits nothing of a partition before {@code MIN_INSYNC}
 *       nodes hold that start (docs/cluster.md, "Reads");</li>
 *   <li><b>serving</b>: only then does it take client writes ({@link #ready()}), stamped with its
 *       epoch, and push them to every follower ({@link FollowerStream}).</li>
 * </ol>
 * A term ends when the node stops leading, or as soon as any node answers with a higher epoch.
 *
 * <p>Thread-safe.
 */
final class LeaderTerm implements AutoCloseable {

    private static final Logger LOG = System.getLogger(LeaderTerm.class.getName());
    private static final long POLL_MILLIS = 20;
    private static final long ASK_AGAIN_MILLIS = 200;
    /** How long a new leader waits for members beyond a quorum before it serves. */
    private static final long GRACE_NANOS = 1_000_000_000L;

    private final long epoch;
    private final ReplicationSettings settings;
    private final PeerClient client;
    private final Supplier<List<Member>> followers;
    private final LongConsumer epochSeen;
    private final StorageEngine engine;
    private final AckTracker tracker;
    private final ReadFence fence;
    private final LongSupplier highestEpoch;
    private final Map<String, FollowerStream> streams = new ConcurrentHashMap<>();
    private final Map<PartitionKey, LogView> views = new ConcurrentHashMap<>();
    private final EpochStarts starts;
    private final BestLogs bestLogs;
    private volatile boolean ready;
    private volatile boolean closed;
    private Thread starter;

    /**
     * @param followers the other members now (the membership view without this node)
     * @param epochSeen told of a higher epoch a member answered with (kept on disk, electors told)
     * @param fence      the read fence: raised as followers acknowledge, sent to them with each push
     */
    LeaderTerm(long epoch, StorageEngine engine, ReplicationSettings settings, PeerClient client,
               Supplier<List<Member>> followers, LongConsumer epochSeen, ReadFence fence) {
        this(epoch, engine, settings, client, followers, epochSeen, fence, () -> epoch);
    }

    /**
     * @param highestEpoch the highest epoch this node has seen (its epoch checkpoint): once it passes this
     *                     term's, nothing more is committed here
     */
    LeaderTerm(long epoch, StorageEngine engine, ReplicationSettings settings, PeerClient client,
               Supplier<List<Member>> followers, LongConsumer epochSeen, ReadFence fence, LongSupplier highestEpoch) {
        this.highestEpoch = highestEpoch;
        this.epoch = epoch;
        this.engine = engine;
        this.settings = settings;
        this.client = client;
        this.followers = followers;
        this.epochSeen = epochSeen;
        this.starts = new EpochStarts(epoch, engine);
        this.tracker = new AckTracker(settings.minInSync(), settings.replicaLag(), this::followerIds, this::leaderEnd,
                () -> System.nanoTime() / 1_000_000, this::committed, starts::of);
        this.fence = fence;
        this.bestLogs = new BestLogs(epoch, engine, client, () -> closed, views::remove);
    }

    /** The rule holds up to {@code end}: readers may see it, and the followers are told (they serve it too). */
    private void committed(PartitionKey partition, long end) {
        // a newer leader fences this node before it reads this node's log for its catch-up: what was stored
        // here after that reading is not in its view and may be cut, whoever else holds it, so readers must
        // not see it. The records below end were stored before this check: a fence raised after it reads them
        if (highestEpoch.getAsLong() > epoch) {
            return;
        }
        long before = fence.committed(partition);
        fence.raise(partition, end);
        if (fence.committed(partition) > before) {
            appended(partition);
        }
    }

    /** What readers may see of {@code partition}: sent with every push. */
    long committed(PartitionKey partition) {
        return fence.committed(partition);
    }

    long epoch() {
        return epoch;
    }

    /** Where this term's epoch starts in {@code partition} (0: no older record below it): sent with every push. */
    long epochStart(PartitionKey partition) {
        return starts.of(partition);
    }

    boolean ready() {
        return ready;
    }

    AckTracker tracker() {
        return tracker;
    }

    PeerClient client() {
        return client;
    }

    /** Catches up in the background, then serves. */
    void start() {
        starter = Thread.ofVirtual().name("storelog-leader-term-" + epoch).start(() -> {
            try {
                Map<String, PeerClient.State> states = catchUp();
                while (!closed && !(bestLogs.adopt(Map.copyOf(states), followers.get()) && startEpoch())) {
                    // serving now would put this epoch's records where another node's (maybe acknowledged) ones are
                    LOG.log(Level.WARNING, "epoch {0}: not caught up yet; asking the members again", epoch);
                    pause(ASK_AGAIN_MILLIS);
                    states = catchUp();
                }
                if (closed) {
                    return;
                }
                ready = true;
                LOG.log(Level.INFO, "leading in epoch {0}: caught up from {1}, serving", epoch, states.keySet());
                membersChanged(followers.get(), states);
            } catch (RuntimeException e) {
                LOG.log(Level.ERROR, "leader term " + epoch + " failed to start", e);
            }
        });
    }

    /**
     * Fences the members and returns the states of a quorum (with {@code ACKS=all}) and of whoever
     * else answered within the grace period.
     * Every member is asked at once, again and again until it answers; a member that hangs (a paused
     * process) holds up nobody once a quorum answered and the grace period passed. Under
     * {@code ACKS=leader} no quorum protects the old leader's acknowledged records, only the followers
     * that hold them, so after the grace the term still waits for every request in flight to be
     * answered or to fail (the request timeout): a slow but reachable follower is heard. It sends none
     * after the grace, so that wait is one request timeout at most.
     */
    private Map<String, PeerClient.State> catchUp() {
        ReplicationSettings s = settings;
        Map<String, PeerClient.State> states = new ConcurrentHashMap<>();
        long graceUntil = System.nanoTime() + GRACE_NANOS;
        ExecutorService asks = Executors.newVirtualThreadPerTaskExecutor();
        Set<String> asking = ConcurrentHashMap.newKeySet();
        Set<String> inFlight = ConcurrentHashMap.newKeySet();
        try {
            while (!closed) {
                List<Member> others = followers.get();
                boolean afterGrace = System.nanoTime() > graceUntil;
                for (Member m : others) {
                    // ACKS=leader: after the grace only the requests in flight are waited for, none is sent anew,
                    // or members that hang, asked in turns, could keep one in flight at every moment
                    if ((s.acksAll() || !afterGrace) && !states.containsKey(m.nodeId()) && asking.add(m.nodeId())) {
                        inFlight.add(m.nodeId()); // before it runs: a request sent is in flight at once
                        asks.execute(() -> {
                            try {
                                ask(m, states, inFlight);
                            } finally {
                                asking.remove(m.nodeId());
                            }
                        });
                    }
                }
                boolean everyone = states.keySet().containsAll(others.stream().map(Member::nodeId).toList());
                boolean quorum = states.size() + 1 >= s.minInSync();
                boolean graceOver = afterGrace && (s.acksAll() || inFlight.isEmpty());
                // ACKS=all: never serve before a quorum answered (an acknowledged record may be only there),
                // not even when the view holds nobody else (that is a view that lost sight of them);
                // either way, wait a little for the rest, so the best log is found among as many as answer
                if ((quorum || !s.acksAll()) && (everyone || graceOver)) {
                    break;
                }
                pause(POLL_MILLIS);
            }
        } finally {
            asks.shutdownNow();
        }
        return states;
    }

    /** Asks {@code m} for its state; {@code inFlight} (added to by the caller) holds it until its answer is recorded or it failed. */
    private void ask(Member m, Map<String, PeerClient.State> states, Set<String> inFlight) {
        try {
            PeerClient.State state = client().state(m.http(), m.nodeId(), epoch);
            if (state.staleAgainst() >= 0) {
                deposed(m.nodeId(), state.staleAgainst());
                return;
            }
            states.put(m.nodeId(), state);
        } catch (IOException e) {
            inFlight.remove(m.nodeId());
            LOG.log(Level.DEBUG, "epoch {0}: {1} did not answer its state: {2}", epoch, m.nodeId(), e.toString());
            try {
                Thread.sleep(ASK_AGAIN_MILLIS); // before it is asked again
            } catch (InterruptedException stopped) {
                Thread.currentThread().interrupt(); // the catch-up is over
            }
        } finally {
            inFlight.remove(m.nodeId());
        }
    }

    /**
     * Records this epoch's start in every partition ({@link EpochStarts}); returns whether it did. A
     * partition that holds a higher epoch means this node was deposed.
     */
    private boolean startEpoch() {
        try {
            starts.record(partitions(), fence::committed);
            views.clear(); // the histories a push reads gained the start
            return true;
        } catch (StaleEpochException e) {
            deposed("this node's log", e.highest());
            return false;
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "epoch " + epoch + ": could not record the epoch's start", e);
            return false;
        }
    }

    /** The membership changed: streams for new followers, none for gone ones. */
    void membersChanged(List<Member> followers, Map<String, PeerClient.State> known) {
        if (!ready || closed) {
            return;
        }
        Set<String> now = new LinkedHashSet<>();
        for (Member m : followers) {
            now.add(m.nodeId());
            streams.computeIfAbsent(m.nodeId(), id -> {
                FollowerStream s = new FollowerStream(id, m.http(), this, settings.window());
                PeerClient.State state = known.get(id);
                if (state != null) {
                    s.knownState(state);
                }
                s.start();
                return s;
            });
        }
        streams.entrySet().removeIf(e -> {
            if (!now.contains(e.getKey())) {
                e.getValue().stop();
                return true;
            }
            return false;
        });
    }

    /** A partition has new records. */
    void appended(PartitionKey partition) {
        for (FollowerStream s : streams.values()) {
            s.wake(partition);
        }
    }

    /** A node answered with a higher epoch: this node is deposed. */
    void deposed(String by, long higher) {
        LOG.log(Level.WARNING, "epoch {0}: {1} has seen epoch {2}: this node no longer leads", epoch, by, higher);
        epochSeen.accept(higher);
        close();
    }

    private Set<String> followerIds() {
        return followers.get().stream().map(Member::nodeId).collect(Collectors.toSet());
    }

    long leaderEnd(PartitionKey p) {
        return end(engine, p);
    }

    /** {@code p}'s next offset in {@code engine} (0 when it has none). */
    static long end(StorageEngine engine, PartitionKey p) {
        return engine.info(p).map(PartitionInfo::nextOffset).orElse(0L);
    }

    /**
     * A partition of this node's log as a push sees it: its end, and an epoch history that names
     * the epoch of every record below that end.
     */
    record LogView(long end, List<EpochStart> epochs) {
    }

    /**
     * The partition's end, then its history: read in that order, the history covers every record
     * below the end (the engine adds an epoch's entry before its first record is visible). A history
     * read at an end at or beyond this one serves again; one read before the latest records does not,
     * or the first record of a new epoch would be pushed under the epoch before it.
     */
    LogView view(PartitionKey p) {
        long end = leaderEnd(p);
        LogView cached = views.get(p);
        if (cached != null && cached.end() >= end) {
            return new LogView(end, cached.epochs());
        }
        LogView fresh = new LogView(end, engine.epochs(p));
        views.put(p, fresh);
        return fresh;
    }

    List<PartitionKey> partitions() {
        return engine.partitions().stream().map(PartitionInfo::partition).toList();
    }

    /** A batch of {@code p} from {@code from} (below {@code log}'s end): records of one epoch, bounded in count and bytes. */
    List<Record> read(PartitionKey p, long from, LogView log) {
        EpochStart covering = EpochHistory.at(log.epochs(), from);
        long e = covering == null ? 0 : covering.epoch();
        long segmentEnd = EpochHistory.endOf(log.epochs(), e, log.end());
        int max = (int) Math.min(ReplicationSettings.MAX_BATCH_RECORDS, segmentEnd - from);
        return engine.read(p, from, max, ReplicationSettings.MAX_BATCH_BYTES);
    }

    Map<String, FollowerStream> streams() {
        return streams;
    }

    private void pause(long millis) {
        try {
            Thread.sleep(millis); // polls the answers of the members asked in the background
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            closed = true;
        }
    }

    @Override
    public void close() {
        closed = true;
        ready = false;
        tracker.close();
        streams.values().forEach(FollowerStream::stop);
        streams.clear();
        if (starter != null) {
            starter.interrupt();
        }
    }
}
