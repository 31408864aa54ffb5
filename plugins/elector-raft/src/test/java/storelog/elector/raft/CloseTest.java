package storelog.elector.raft;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import storelog.api.spi.Leadership;
import storelog.testkit.TestData;

class CloseTest {

    private static List<String> newThreads(Set<Thread> before) {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> left(t, before))
                .map(Thread::getName).sorted().toList();
    }

    /**
     * A thread started since {@code before} that is still alive, except the JVM's shared pools that
     * outlive any one user by design: the common fork-join pool and Ratis's {@code TimeoutTimer}
     * ({@code timer0}, {@code timer1}, ...: one static set of {@link java.util.Timer}s for every Ratis
     * server and client in the JVM). Which of them exist depends on the tests that ran before.
     */
    private static boolean left(Thread t, Set<Thread> before) {
        String name = t.getName();
        return t.isAlive() && !before.contains(t) && !name.startsWith("ForkJoinPool.commonPool-")
                && !name.matches("timer\\d+");
    }

    @Test
    void afterCloseNoThreadOfTheElectorOrRatisIsLeft(TestInfo test) {
        Set<Thread> before = Set.copyOf(Thread.getAllStackTraces().keySet());
        try (Cluster cluster = new Cluster(TestData.directory(test), Cluster.FAST, 0, 1).withNodes(3).startAll()) {
            cluster.awaitAgreedLeader(RaftElectionTest.ELECTION);
            assertThat(newThreads(before)).isNotEmpty();
        }

        // Ratis ends some pool threads after close returns: its Netty client groups shut down gracefully
        // in the background (2 s quiet period, restarted by every late task, at most 15 s)
        long closed = System.nanoTime();
        try {
            Cluster.await("no thread left", Duration.ofSeconds(30), () -> newThreads(before).isEmpty());
            System.out.printf("the last thread ended %d ms after close returned%n", (System.nanoTime() - closed) / 1_000_000);
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + ": " + newThreads(before) + ", left: " + leftStacks(before), e);
        }
    }

    private static String leftStacks(Set<Thread> before) {
        StringBuilder left = new StringBuilder();
        Thread.getAllStackTraces().forEach((t, stack) -> {
            if (left(t, before)) {
                left.append('\n').append(t.getName()).append(' ').append(t.getState());
                for (StackTraceElement frame : stack) {
                    left.append("\n    at ").append(frame);
                }
            }
        });
        return left.toString();
    }

    @Test
    void closingTheLeaderHandsTheRaftLeadershipOverAndItStopsLeadingAtOnce(TestInfo test) throws Exception {
        try (Cluster cluster = new Cluster(TestData.directory(test), Cluster.FAST, 0, 1).withNodes(3).startAll();
             LeaderSampler sampler = new LeaderSampler(cluster)) {
            Node leader = cluster.awaitAgreedLeader(RaftElectionTest.ELECTION);
            long epoch = leader.leadership().epoch();
            RaftElector elector = leader.elector();

            leader.close();
            long closed = System.nanoTime();

            assertThat(elector.leadership().role()).isNotEqualTo(Leadership.Role.LEADER);
            Node next = cluster.awaitAgreedLeader(RaftElectionTest.ELECTION);
            System.out.printf("new leader %d ms after the leader's close returned%n", (System.nanoTime() - closed) / 1_000_000);
            assertThat(next.leadership().epoch()).isGreaterThan(epoch);
            sampler.close();
            assertThat(sampler.violations).isEmpty();
        }
    }

    @Test
    void aResigningLeaderStopsLeadingAtOnceAndTheGroupLeadsAgainWithAHigherEpoch(TestInfo test) throws Exception {
        try (Cluster cluster = new Cluster(TestData.directory(test), Cluster.FAST, 0, 1).withNodes(3).startAll();
             LeaderSampler sampler = new LeaderSampler(cluster)) {
            Node leader = cluster.awaitAgreedLeader(RaftElectionTest.ELECTION);
            long epoch = leader.leadership().epoch();

            leader.elector().resign();

            assertThat(leader.isLeader()).isFalse();
            Node next = cluster.awaitAgreedLeader(RaftElectionTest.ELECTION);
            assertThat(next.leadership().epoch()).isGreaterThan(epoch);
            sampler.close();
            assertThat(sampler.violations).isEmpty();
        }
    }

    @Test
    void aStandingByLeaderStopsLeadingAtOnceAndLeadsAgainWhenActivated(TestInfo test) {
        try (Cluster cluster = new Cluster(TestData.directory(test), Cluster.FAST, 0, 1)) {
            Node only = cluster.add(false).start();
            Cluster.await("leads", RaftElectionTest.ELECTION, only::isLeader);

            int before = only.reported.size();
            only.elector().standBy();
            // the test node's listener activates again on every report, so "not leading" is what was
            // reported after standBy(), not what isLeader() says a moment later
            Cluster.await("reports that it stopped leading", RaftElectionTest.ELECTION, () -> only.reported.stream().skip(before)
                    .anyMatch(l -> l.role() != Leadership.Role.LEADER));

            only.elector().activate();
            Cluster.await("leads again", RaftElectionTest.ELECTION, only::isLeader);
        }
    }
}
