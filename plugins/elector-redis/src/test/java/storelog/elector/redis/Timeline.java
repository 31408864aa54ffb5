package storelog.elector.redis;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.LockSupport;
import storelog.api.spi.Leadership;
import storelog.api.spi.Leadership.Role;

/**
 * Samples {@code leadership()} of several nodes continuously, about every millisecond, on one
 * monotonic timeline: records each node's changes, the last sample that answered {@code LEADER} for
 * each epoch, and every sweep in which more than one node answered {@code LEADER} (an overlap — what
 * the lease must make impossible).
 *
 * <p>A sample's answer was computed at some instant between its {@code before} and {@code after}
 * clock readings; assertions use the side that cannot fail falsely when the sampler is descheduled
 * (e.g. "answered LEADER at or after {@code before}").
 */
final class Timeline implements AutoCloseable {

    /** The clock just before and just after one {@code leadership()} call. */
    record Sample(long before, long after) {
    }

    /** Node {@code node} answered {@code leadership} in this sample, and something else in its previous one. */
    record Change(Sample sample, String node, Leadership leadership) {
    }

    private final List<TestNode> nodes;
    private final List<Change> changes = new CopyOnWriteArrayList<>();
    private final Map<Long, Sample> lastLeading = new ConcurrentHashMap<>();
    private final List<String> overlaps = new CopyOnWriteArrayList<>();
    private final Thread sampler;
    private volatile boolean stopped;

    Timeline(List<TestNode> nodes) {
        this.nodes = List.copyOf(nodes);
        this.sampler = Thread.ofPlatform().daemon().name("timeline").start(this::sample);
    }

    private void sample() {
        Leadership[] last = new Leadership[nodes.size()];
        while (!stopped) {
            List<String> leaders = new ArrayList<>();
            for (int i = 0; i < nodes.size(); i++) {
                long before = System.nanoTime();
                Leadership now = nodes.get(i).leadership();
                Sample sample = new Sample(before, System.nanoTime());
                if (!now.equals(last[i])) {
                    last[i] = now;
                    changes.add(new Change(sample, nodes.get(i).id, now));
                }
                if (now.role() == Role.LEADER) {
                    leaders.add(nodes.get(i).id + "@" + now.epoch());
                    lastLeading.put(now.epoch(), sample);
                }
            }
            if (leaders.size() > 1) {
                overlaps.add(System.nanoTime() + ": " + leaders);
            }
            LockSupport.parkNanos(1_000_000);
        }
    }

    /** The sweeps in which two or more nodes answered LEADER. */
    List<String> overlaps() {
        return List.copyOf(overlaps);
    }

    /** The last sample in which a node answered LEADER with {@code epoch}. */
    Optional<Sample> lastLeading(long epoch) {
        return Optional.ofNullable(lastLeading.get(epoch));
    }

    /** The first sample, taken at or after {@code from}, in which {@code node} answered {@code role}. */
    Optional<Sample> first(String node, Role role, long from) {
        return changes.stream().filter(c -> c.node().equals(node) && c.leadership().role() == role && c.sample().before() >= from)
                .map(Change::sample).findFirst();
    }

    /** The first sample, taken at or after {@code from}, in which a node answered LEADER with an epoch other than {@code epoch}. */
    Optional<Change> firstLeaderOtherThan(long epoch, long from) {
        return changes.stream().filter(c -> c.leadership().role() == Role.LEADER && c.leadership().epoch() != epoch
                && c.sample().before() >= from).findFirst();
    }

    /** Whether {@code node} has answered something other than LEADER with {@code epoch} since it last did. */
    boolean endedLeading(String node, long epoch) {
        List<Change> mine = changes.stream().filter(c -> c.node().equals(node)).toList();
        return !mine.isEmpty() && !(mine.getLast().leadership().role() == Role.LEADER && mine.getLast().leadership().epoch() == epoch);
    }

    @Override
    public void close() {
        stopped = true;
        try {
            sampler.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
