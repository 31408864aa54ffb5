package storelog.elector.raft;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import storelog.api.spi.Leadership;

/**
 * Samples every node's {@code leadership()} continuously on a thread of its own and records what
 * must never be seen: two nodes answering LEADER with the same epoch at one sample, or a leader's
 * epoch below an epoch an earlier sample already saw led. Also records every (leader, epoch) seen.
 */
final class LeaderSampler implements AutoCloseable {

    final List<String> violations = new CopyOnWriteArrayList<>();
    /** Every distinct leadership seen, in order: {@code node@epoch}. */
    final List<String> leaderships = new CopyOnWriteArrayList<>();
    private final Cluster cluster;
    private final Thread thread;
    private volatile boolean running = true;
    private volatile long samples;
    /** The sampler thread's state; the closing thread takes the last sample after joining it. */
    private long highestLed;
    private final Map<String, Long> lastEpoch = new HashMap<>();

    LeaderSampler(Cluster cluster) {
        this.cluster = cluster;
        this.thread = Thread.ofPlatform().daemon().name("leader-sampler").start(this::run);
    }

    private void run() {
        try {
            while (running) {
                sample();
                java.util.concurrent.locks.LockSupport.parkNanos(1_000_000);
            }
        } catch (RuntimeException e) {
            violations.add("the sampler stopped: " + e); // not a silent end that close()'s last sample would hide
        }
    }

    private void sample() {
        Map<Long, List<String>> byEpoch = new HashMap<>();
        for (Node node : List.copyOf(cluster.nodes)) {
            Leadership l = node.leadership();
            if (l.role() == Leadership.Role.LEADER) {
                byEpoch.computeIfAbsent(l.epoch(), e -> new ArrayList<>()).add(node.id);
                if (!Long.valueOf(l.epoch()).equals(lastEpoch.put(node.id, l.epoch()))) {
                    leaderships.add(node.id + "@" + l.epoch());
                    if (l.epoch() < highestLed) {
                        violations.add(node.id + " leads with epoch " + l.epoch() + " after epoch " + highestLed + " was led");
                    }
                }
                highestLed = Math.max(highestLed, l.epoch());
            } else {
                lastEpoch.remove(node.id);
            }
        }
        byEpoch.forEach((epoch, leaders) -> {
            if (leaders.size() > 1) {
                violations.add(leaders + " all lead with epoch " + epoch);
            }
        });
        samples++;
    }

    long samples() {
        return samples;
    }

    @Override
    public void close() throws InterruptedException {
        if (!running) {
            return;
        }
        running = false;
        thread.join(5000);
        if (!thread.isAlive()) {
            // one last sample of what holds at close: on a loaded machine the thread may not have run
            // since the leadership a test just awaited began (seen: TakeOverTest found none recorded)
            sample();
        }
    }
}
