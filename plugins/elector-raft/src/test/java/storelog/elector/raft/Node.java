package storelog.elector.raft;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import storelog.api.Settings;
import storelog.api.spi.ElectionContext;
import storelog.api.spi.Leadership;
import storelog.api.spi.Member;

/**
 * One node of a test cluster in this JVM: a raft elector with a context the test controls (members,
 * seeds, whether the earlier electors are usable, the node's highest seen epoch). Its listener plays
 * the chain's part: it raises the node's highest epoch to every epoch reported, activates the elector
 * when it is the first one or has taken over, and stands it by otherwise.
 */
final class Node implements AutoCloseable {

    final String id;
    final int port;
    final Path state;
    final AtomicBoolean earlierUsable = new AtomicBoolean();
    /** Whether discovery's seeds rest on an answer (false: DNS has not answered since start). */
    final AtomicBoolean seedsKnown = new AtomicBoolean(true);
    final AtomicLong highestEpoch = new AtomicLong();
    final Set<String> listenerThreads = new CopyOnWriteArraySet<>();
    final List<Leadership> reported = new CopyOnWriteArrayList<>();
    private final Map<String, String> settings;
    private final Supplier<List<Member>> members;
    private final Supplier<List<String>> seeds;
    private final int slot;
    private final int slots;
    private volatile RaftElector elector;
    private volatile java.util.function.Consumer<Leadership> onChange = l -> { };

    Node(String id, int port, Path state, Map<String, String> settings, Supplier<List<Member>> members,
         Supplier<List<String>> seeds, int slot, int slots) {
        this.id = id;
        this.port = port;
        this.state = state;
        this.settings = settings;
        this.members = members;
        this.seeds = seeds;
        this.slot = slot;
        this.slots = slots;
    }

    Member member() {
        return member(id, port);
    }

    static Member member(String id, int port) {
        return new Member(id, "127.0.0.1:1" + port % 10000, Map.of(Member.RAFT, "127.0.0.1:" + port));
    }

    ElectionContext context() {
        return new ElectionContext(id, Settings.of(settings), member(), members, seeds, highestEpoch::get, slot, slots, state,
                earlierUsable::get, seedsKnown::get);
    }

    Node start() {
        RaftElector e = (RaftElector) new RaftElectorProvider().open(context());
        elector = e;
        e.start(changed -> {
            listenerThreads.add(Thread.currentThread().getName());
            Leadership now = changed.leadership();
            reported.add(now);
            onChange.accept(now);
            highestEpoch.accumulateAndGet(now.epoch(), Math::max);
            if (slot == 0 || changed.tookOver()) {
                changed.activate();
            } else {
                changed.standBy();
            }
        });
        return this;
    }

    /** Also calls {@code action} with each reported leadership (on the elector thread). */
    void onChange(java.util.function.Consumer<Leadership> action) {
        onChange = action;
    }

    RaftElector elector() {
        return elector;
    }

    boolean running() {
        return elector != null;
    }

    Leadership leadership() {
        RaftElector e = elector;
        return e == null ? new Leadership(Leadership.Role.CANDIDATE, java.util.Optional.empty(), 0) : e.leadership();
    }

    boolean isLeader() {
        return leadership().role() == Leadership.Role.LEADER;
    }

    /** Stops as a crash would: no Raft leadership hand-over. */
    void crash() {
        RaftElector e = elector;
        elector = null;
        if (e != null) {
            e.halt();
        }
    }

    @Override
    public void close() {
        RaftElector e = elector;
        elector = null;
        if (e != null) {
            e.close();
        }
    }
}
