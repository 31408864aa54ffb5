package storelog.elector.redis;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;
import storelog.api.spi.Leadership;
import storelog.api.spi.Leadership.Role;

/**
 * Samples {@code leadership()} of several nodes continuously, about every millisecond, on one
 * monotonic timeline: records each node's changes, the last sample that answered {@code LEADER} for
 * each epoch, and every sweep in which two nodes provably answered {@code LEADER} at the same time
 * (an overlap — what the lease must make impossible; see {@link #checkOverlap}).
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

    /** A node as the timeline sees it: its id and its answer now. */
    record Sampled(String id, Supplier<Leadership> leadership) {
    }

    private final List<Sampled> nodes;
    private final List<Change> changes = new CopyOnWriteArrayList<>();
    private final Map<Long, Sample> lastLeading = new ConcurrentHashMap<>();
    private final List<String> overlaps = new CopyOnWriteArrayList<>();
    private final Thread sampler;
    private volatile boolean stopped;

    Timeline(List<TestNode> nodes) {
        this(nodes.stream().map(n -> new Sampled(n.id, n::leadership)).toArray(Sampled[]::new));
    }

    /** Samples {@code nodes} in this order in each sweep. */
    static Timeline of(Sampled... nodes) {
        return new Timeline(nodes);
    }

    private Timeline(Sampled[] nodes) {
        this.nodes = List.of(nodes);
        this.sampler = Thread.ofPlatform().daemon().name("timeline").start(this::sample);
    }

    private void sample() {
        Leadership[] last = new Leadership[nodes.size()];
        Leadership[] previous = null;
        while (!stopped) {
            Leadership[] sweep = new Leadership[nodes.size()];
            for (int i = 0; i < nodes.size(); i++) {
                long before = System.nanoTime();
                Leadership now = nodes.get(i).leadership().get();
                Sample sample = new Sample(before, System.nanoTime());
                sweep[i] = now;
                if (!now.equals(last[i])) {
                    last[i] = now;
                    changes.add(new Change(sample, nodes.get(i).id(), now));
                }
                if (now.role() == Role.LEADER) {
                    lastLeading.put(now.epoch(), sample);
                }
            }
            checkOverlap(previous, sweep);
            previous = sweep;
            LockSupport.parkNanos(1_000_000);
        }
    }

    /**
     * A sweep is not an instant: the sampler can be descheduled between two nodes, so "n1 LEADER, then
     * n2 LEADER" in one sweep may be a handover. It is an overlap only when one of the two led at an
     * instant before and at one after the other's answer: the node that answered first still answers
     * LEADER with the same epoch after the other did, or the node that answered second answered LEADER
     * with that epoch in the {@code previous} sweep too (before the first one's answer). An owner only
     * answers LEADER again with the same epoch if its lease was never lost in between (a renewal is a
     * compare-and-PEXPIRE of its own value; a lost lease is won again only with a new epoch).
     */
    private void checkOverlap(Leadership[] previous, Leadership[] sweep) {
        for (int i = 0; i < sweep.length; i++) {
            if (sweep[i].role() != Role.LEADER || !leaderAfter(sweep, i)) {
                continue;
            }
            if (sameLeader(nodes.get(i).leadership().get(), sweep[i])) {
                overlap(sweep, nodes.get(i).id() + " still LEADER after");
                return;
            }
            for (int j = i + 1; j < sweep.length; j++) {
                if (sweep[j].role() == Role.LEADER && previous != null && sameLeader(previous[j], sweep[j])) {
                    overlap(sweep, nodes.get(j).id() + " LEADER with its epoch before");
                    return;
                }
            }
        }
    }

    private static boolean sameLeader(Leadership other, Leadership leader) {
        return other.role() == Role.LEADER && other.epoch() == leader.epoch();
    }

    private static boolean leaderAfter(Leadership[] sweep, int i) {
        for (int j = i + 1; j < sweep.length; j++) {
            if (sweep[j].role() == Role.LEADER) {
                return true;
            }
        }
        return false;
    }

    private void overlap(Leadership[] sweep, String proof) {
        List<String> leaders = new ArrayList<>();
        for (int j = 0; j < sweep.length; j++) {
            if (sweep[j].role() == Role.LEADER) {
                leaders.add(nodes.get(j).id() + "@" + sweep[j].epoch());
            }
        }
        overlaps.add(System.nanoTime() + ": " + leaders + ", " + proof);
    }

    /** The sweeps in which two nodes provably answered LEADER at the same time. */
    List<String> overlaps() {
        return List.copyOf(overlaps);
    }

    /** What {@code node} answered, each time it changed. */
    List<Leadership> changes(String node) {
        return changes.stream().filter(c -> c.node().equals(node)).map(Change::leadership).toList();
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
