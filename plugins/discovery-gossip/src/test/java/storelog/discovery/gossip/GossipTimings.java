package storelog.discovery.gossip;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import storelog.testkit.TestData;

/**
 * Measurements, not tests (never run by {@code mvn verify}): how long the cluster takes to form, to
 * notice a crash or a pause, and to merge after a split, as medians of {@code gossip.measure.runs}
 * (default 10) runs with failure timeout {@code gossip.measure.timeout} ms (default 3000, the
 * production default), with a {@code CLUSTER_SECRET}. Run with
 * {@code mvn -pl plugins/discovery-gossip verify -Dtest=GossipTimings -Dgossip.measure=true}; results in
 * {@code test-data/GossipTimings/results.txt}. Nodes a and b run in the test JVM, c (which is killed or
 * paused) in a child JVM.
 */
@EnabledIfSystemProperty(named = "gossip.measure", matches = "true")
@Timeout(value = 20, unit = TimeUnit.MINUTES)
class GossipTimings {

    private static final int RUNS = Integer.getInteger("gossip.measure.runs", 10);
    private static final long TIMEOUT = Long.getLong("gossip.measure.timeout", 3000);
    /** Every cluster has one; AUTH checks joins and merges. */
    private static final String SECRET = "timings-secret";
    private static Path dir;

    @BeforeAll
    static void directory() {
        dir = TestData.directory(GossipTimings.class, "runs");
    }

    private static TestNode node(String cluster, String id, int[] ports, int i) {
        return TestNode.start(cluster, id, ports[i], SECRET, () -> TestNode.seeds(ports), TIMEOUT);
    }

    @Test
    void threeNodesFormOneView() throws Exception {
        List<Long> fromFirst = new ArrayList<>();
        List<Long> fromLast = new ArrayList<>();
        for (int run = 0; run < RUNS; run++) {
            String cluster = "timings-form-" + System.nanoTime();
            int[] ports = {Ports.free(), Ports.free(), Ports.free()};
            long first = System.nanoTime();
            try (TestNode a = node(cluster, "a", ports, 0); TestNode b = node(cluster, "b", ports, 1)) {
                long last = System.nanoTime();
                try (TestNode c = node(cluster, "c", ports, 2)) {
                    long all = allSee(Set.of("a", "b", "c"), 0, a, b, c);
                    fromFirst.add(all - first);
                    fromLast.add(all - last);
                }
            }
        }
        report("3-node view, from the first start()", fromFirst);
        report("3-node view, from the last start()", fromLast);
    }

    @Test
    void aKilledMemberLeavesTheView() throws Exception {
        List<Long> detected = new ArrayList<>();
        for (int run = 0; run < RUNS; run++) {
            String cluster = "timings-kill-" + System.nanoTime();
            int[] ports = {Ports.free(), Ports.free(), Ports.free()};
            try (TestNode a = node(cluster, "a", ports, 0); TestNode b = node(cluster, "b", ports, 1)) {
                ChildNode c = ChildNode.start(cluster, "c", ports[2], SECRET, TestNode.seeds(ports), TIMEOUT, dir);
                allSee(Set.of("a", "b", "c"), 0, a, b);
                long killed = System.nanoTime();
                c.kill();
                detected.add(allSee(Set.of("a", "b"), killed, a, b) - killed);
            }
        }
        report("kill -9 -> the others' view without it", detected);
    }

    @Test
    void aPausedMemberLeavesTheViewAndMergesBackWhenResumed() throws Exception {
        List<Long> removed = new ArrayList<>();
        List<Long> back = new ArrayList<>();
        String cluster = "timings-pause-" + System.nanoTime();
        int[] ports = {Ports.free(), Ports.free(), Ports.free()};
        try (TestNode a = node(cluster, "a", ports, 0); TestNode b = node(cluster, "b", ports, 1);
             ChildNode c = ChildNode.start(cluster, "c", ports[2], SECRET, TestNode.seeds(ports), TIMEOUT, dir)) {
            for (int run = 0; run < RUNS; run++) {
                allSee(Set.of("a", "b", "c"), 0, a, b);
                long paused = System.nanoTime();
                c.pause();
                long gone = allSee(Set.of("a", "b"), paused, a, b);
                removed.add(gone - paused);
                long resumed = System.nanoTime();
                c.resume();
                back.add(allSee(Set.of("a", "b", "c"), resumed, a, b) - resumed);
            }
        }
        report("SIGSTOP -> the others' view without it", removed);
        report("SIGCONT -> merged back", back);
    }

    @Test
    void twoHalvesMergeAfterASplit() throws Exception {
        List<Long> splitSeen = new ArrayList<>();
        List<Long> merged = new ArrayList<>();
        String cluster = "timings-split-" + System.nanoTime();
        int[] ports = {Ports.free(), Ports.free(), Ports.free()};
        try (TestNode a = node(cluster, "a", ports, 0); TestNode b = node(cluster, "b", ports, 1);
             TestNode c = node(cluster, "c", ports, 2)) {
            List<TestNode> all = List.of(a, b, c);
            for (int run = 0; run < RUNS; run++) {
                allSee(Set.of("a", "b", "c"), 0, a, b, c);
                long cut = System.nanoTime();
                Split.split(List.of(a), List.of(b, c));
                long seen = Math.max(allSee(Set.of("a"), cut, a), allSee(Set.of("b", "c"), cut, b, c));
                splitSeen.add(seen - cut);
                long healed = System.nanoTime();
                Split.heal(all);
                merged.add(allSee(Set.of("a", "b", "c"), healed, a, b, c) - healed);
            }
        }
        report("split -> both sides' views", splitSeen);
        report("split healed -> one merged view", merged);
    }

    @Test
    void aClosedMemberLeavesTheViewAtOnce() throws Exception {
        List<Long> left = new ArrayList<>();
        for (int run = 0; run < RUNS; run++) {
            String cluster = "timings-leave-" + System.nanoTime();
            int[] ports = {Ports.free(), Ports.free(), Ports.free()};
            try (TestNode a = node(cluster, "a", ports, 0); TestNode b = node(cluster, "b", ports, 1)) {
                TestNode c = node(cluster, "c", ports, 2);
                allSee(Set.of("a", "b", "c"), 0, a, b, c);
                long closing = System.nanoTime();
                c.close();
                left.add(allSee(Set.of("a", "b"), closing, a, b) - closing);
            }
        }
        report("close() -> the others' view without it", left);
    }

    /** Waits until every node's listener got exactly {@code ids} after {@code since}; returns when the last did. */
    private static long allSee(Set<String> ids, long since, TestNode... nodes) {
        long latest = 0;
        for (TestNode node : nodes) {
            Eventually.within(TestNode.VIEW_DEADLINE.multipliedBy(2), node.id + " sees " + ids,
                    () -> node.recorder.firstNanos(ids, since) >= 0, node.recorder::lastIds);
            latest = Math.max(latest, node.recorder.firstNanos(ids, since));
        }
        return latest;
    }

    private static void report(String what, List<Long> nanos) throws IOException {
        List<Long> millis = nanos.stream().map(n -> n / 1_000_000).sorted().toList();
        long median = millis.size() % 2 == 1 ? millis.get(millis.size() / 2)
                : (millis.get(millis.size() / 2 - 1) + millis.get(millis.size() / 2)) / 2;
        String line = String.format("%-42s median %5d ms  min %5d  max %5d  n=%d  (failure timeout %d ms)  all: %s%n",
                what, median, millis.getFirst(), millis.getLast(), millis.size(), TIMEOUT, millis);
        System.out.print(line);
        Files.writeString(dir.getParent().resolve("results.txt"), line, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }
}
