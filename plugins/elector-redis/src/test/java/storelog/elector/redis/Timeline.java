package storelog.elector.redis;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.LockSupport;
import storelog.api.spi.Leadership;
import storelog.api.spi.Leadership.Role;

/**
 * Samples {@code leadership()} of several nodes continuously, about every millisecond, on one
 * monotonic timeline: records each node's changes, and every sweep in which more than one node
 * answered {@code LEADER} (an overlap — what the lease must make impossible).
 */
final class Timeline implements AutoCloseable {

    /** Node {@code node} answered {@code leadership} from {@code nanos} on. */
    record Change(long nanos, String node, Leadership leadership) {
    }

    private final List<TestNode> nodes;
    private final List<Change> changes = new CopyOnWriteArrayList<>();
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
                Leadership now = nodes.get(i).leadership();
                long at = System.nanoTime();
                if (!now.equals(last[i])) {
                    last[i] = now;
                    changes.add(new Change(at, nodes.get(i).id, now));
                }
                if (now.role() == Role.LEADER) {
                    leaders.add(nodes.get(i).id + "@" + now.epoch());
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

    List<Change> changes() {
        return List.copyOf(changes);
    }

    /** When {@code node} first answered {@code role} at or after {@code from}. */
    Optional<Long> first(String node, Role role, long from) {
        return changes.stream().filter(c -> c.node().equals(node) && c.leadership().role() == role && c.nanos() >= from)
                .map(Change::nanos).findFirst();
    }

    /** When any node first answered LEADER with an epoch other than {@code epoch}, at or after {@code from}. */
    Optional<Change> firstLeaderOtherThan(long epoch, long from) {
        return changes.stream().filter(c -> c.leadership().role() == Role.LEADER && c.leadership().epoch() != epoch
                && c.nanos() >= from).findFirst();
    }

    /** When the node that led with {@code epoch} stopped answering so (its next change after its last LEADER of it). */
    Optional<Long> endOf(long epoch) {
        List<Change> all = changes();
        for (int i = all.size() - 1; i >= 0; i--) {
            Change c = all.get(i);
            if (c.leadership().role() == Role.LEADER && c.leadership().epoch() == epoch) {
                return all.subList(i + 1, all.size()).stream().filter(n -> n.node().equals(c.node()))
                        .map(Change::nanos).findFirst();
            }
        }
        return Optional.empty();
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
