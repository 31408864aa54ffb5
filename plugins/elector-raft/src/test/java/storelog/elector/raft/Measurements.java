package storelog.elector.raft;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import storelog.testkit.TestData;

/**
 * The figures of the report, as medians of {@value #RUNS} runs: time to the first leader of a fresh
 * three-node group, failover after kill -9 of the leader (a child JVM), take-over after the earlier
 * elector became unusable. Not part of the build (about 2 minutes):
 * {@code mvn -pl plugins/elector-raft verify -Dtest=Measurements -Dstorelog.measure=true -DskipITs}.
 */
@EnabledIfSystemProperty(named = "storelog.measure", matches = "true")
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class Measurements {

    static final int RUNS = 10;

    private static void print(String what, List<Long> millis) {
        List<Long> sorted = millis.stream().sorted().toList();
        System.out.printf("%s: median %d ms, min %d, max %d, runs %s%n", what, sorted.get(sorted.size() / 2), sorted.getFirst(),
                sorted.getLast(), millis);
    }

    @Test
    void timeToTheFirstLeader(TestInfo test) {
        List<Long> single = new ArrayList<>();
        List<Long> three = new ArrayList<>();
        for (int run = 0; run < RUNS; run++) {
            try (Cluster cluster = new Cluster(TestData.directory(test).resolve("single-" + run), Cluster.FAST, 0, 1)) {
                Node only = cluster.add(false);
                long start = System.nanoTime();
                only.start();
                Cluster.await("leads", RaftElectionTest.ELECTION, only::isLeader);
                single.add((System.nanoTime() - start) / 1_000_000);
            }
            try (Cluster cluster = new Cluster(TestData.directory(test).resolve("three-" + run), Cluster.FAST, 0, 1).withNodes(3)) {
                long start = System.nanoTime();
                cluster.startAll();
                cluster.awaitAgreedLeader(RaftElectionTest.ELECTION);
                three.add((System.nanoTime() - start) / 1_000_000);
            }
        }
        print("first leader, one node without seeds", single);
        print("first leader, three nodes started together (all follow it)", three);
    }

    @Test
    void failoverAfterKill9(TestInfo test) throws Exception {
        List<Long> failover = new ArrayList<>();
        for (int run = 0; run < RUNS; run++) {
            CrashTest.Setup setup = CrashTest.childLeads(TestData.directory(test).resolve("run-" + run));
            try (Cluster cluster = setup.cluster(); ChildJvm child = setup.child()) {
                child.kill();
                long killed = System.nanoTime();
                cluster.awaitAgreedLeader(RaftElectionTest.ELECTION);
                failover.add((System.nanoTime() - killed) / 1_000_000);
            }
        }
        print("failover after kill -9 of the leader (both others follow the new one)", failover);
    }

    @Test
    void takeOverAfterTheEarlierElectorBecameUnusable(TestInfo test) {
        List<Long> takeOver = new ArrayList<>();
        List<Long> handBack = new ArrayList<>();
        try (Cluster cluster = new Cluster(TestData.directory(test), Cluster.FAST, 1, 2).withNodes(3)) {
            cluster.setEarlierUsable(true);
            cluster.startAll();
            for (int run = 0; run < RUNS; run++) {
                Cluster.await("no take-over", RaftElectionTest.ELECTION, () -> cluster.nodes.stream().noneMatch(n -> n.elector().tookOver()));
                cluster.setEarlierUsable(false);
                long lost = System.nanoTime();
                cluster.awaitAgreedLeader(RaftElectionTest.ELECTION);
                takeOver.add((System.nanoTime() - lost) / 1_000_000);
                cluster.setEarlierUsable(true);
                long back = System.nanoTime();
                Cluster.await("handed back", RaftElectionTest.ELECTION, () -> cluster.nodes.stream().noneMatch(n -> n.elector().tookOver()));
                handBack.add((System.nanoTime() - back) / 1_000_000);
            }
        }
        print("take-over after the earlier elector became unusable (LEADER_TTL 1000 ms)", takeOver);
        print("hand-back after it became usable again (3 x LEADER_TTL = 3000 ms)", handBack);
    }

}
