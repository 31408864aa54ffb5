package storelog.it;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Samples every node's {@code /status} in the background, as fast as the nodes answer, and keeps
 * each sample's (node, role, epoch) with the moment it was taken: the record of who claimed
 * leadership when, checked at the end of a fault test.
 */
final class LeaderSampler implements AutoCloseable {

    record Sample(long nanos, String node, String role, long epoch) {
    }

    private final List<Sample> samples = new CopyOnWriteArrayList<>();
    private final Thread thread;
    private volatile boolean running = true;

    LeaderSampler(TestCluster cluster) {
        thread = Thread.ofPlatform().daemon().name("leader-sampler").start(() -> {
            while (running) {
                for (ImageNode n : cluster.nodes()) {
                    JsonNode s = n.isAlive() ? n.get("/status") : null;
                    if (s != null && s.has("role")) {
                        samples.add(new Sample(System.nanoTime(), n.id(), s.path("role").asText(), s.path("epoch").asLong()));
                    }
                }
            }
        });
    }

    /** Epochs that more than one node claimed to lead with, and by whom. */
    Map<Long, List<String>> epochsWithTwoLeaders() {
        Map<Long, List<String>> leaders = new HashMap<>();
        for (Sample s : samples) {
            if (s.role().equals("leader")) {
                List<String> nodes = leaders.computeIfAbsent(s.epoch(), e -> new ArrayList<>());
                if (!nodes.contains(s.node())) {
                    nodes.add(s.node());
                }
            }
        }
        leaders.values().removeIf(nodes -> nodes.size() < 2);
        return leaders;
    }

    /** Per node, the epochs in the order they were sampled. */
    Map<String, List<Long>> epochsPerNode() {
        Map<String, List<Long>> all = new HashMap<>();
        for (Sample s : samples) {
            all.computeIfAbsent(s.node(), n -> new ArrayList<>()).add(s.epoch());
        }
        return all;
    }

    List<Sample> samples() {
        return List.copyOf(samples);
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        thread.join(10_000);
    }
}
