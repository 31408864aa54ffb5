package storelog.elector.redis;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import storelog.api.Settings;
import storelog.api.spi.ElectionContext;
import storelog.api.spi.Leadership;
import storelog.api.spi.Leadership.Role;
import storelog.api.spi.Member;

/**
 * One node's redis elector in a test, in slot 0 of 2 (Redis issues even epochs, as with
 * {@code ELECTOR=redis,raft}), with what modules/cluster would keep for it: the node's highest seen
 * epoch, raised from every event the elector reports (the checkpoint), and the events themselves.
 */
final class TestNode implements AutoCloseable {

    /** One listener call: when, on which thread, and what the elector said then. */
    record Event(long nanos, String thread, Leadership leadership, boolean usable) {
    }

    final String id;
    final String http;
    final AtomicLong highest;
    final RedisLeaseElector elector;
    final List<Event> events = new CopyOnWriteArrayList<>();

    private TestNode(String id, String http, AtomicLong highest, RedisLeaseElector elector) {
        this.id = id;
        this.http = http;
        this.highest = highest;
        this.elector = elector;
    }

    /** An elector for node {@code id}, opened through the provider; not started. */
    static TestNode open(String id, Map<String, String> settings, long highestSeen, Path stateDirectory) {
        AtomicLong highest = new AtomicLong(highestSeen);
        String http = "127.0.0.1:" + (8000 + Math.floorMod(id.hashCode(), 1000));
        ElectionContext context = new ElectionContext(id, Settings.of(new HashMap<>(settings)), new Member(id, http, Map.of()),
                List::of, List::of, highest::get, 0, 2, stateDirectory, () -> false);
        return new TestNode(id, http, highest, (RedisLeaseElector) new RedisElectorProvider().open(context));
    }

    void start() {
        elector.start(e -> {
            Leadership now = e.leadership();
            if (now.role() != Role.CANDIDATE) {
                highest.accumulateAndGet(now.epoch(), Math::max);
            }
            events.add(new Event(System.nanoTime(), Thread.currentThread().getName(), now, e.usable()));
        });
    }

    Leadership leadership() {
        return elector.leadership();
    }

    boolean leads() {
        return leadership().role() == Role.LEADER;
    }

    @Override
    public void close() {
        elector.close();
    }

    @Override
    public String toString() {
        return id + " " + leadership();
    }
}
