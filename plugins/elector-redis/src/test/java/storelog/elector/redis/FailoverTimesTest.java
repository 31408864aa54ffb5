package storelog.elector.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static storelog.elector.redis.Cluster.TTL;
import static storelog.elector.redis.Cluster.agreedLeader;

import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import storelog.api.spi.Leadership.Role;

/**
 * The failover figures at LEADER_TTL = 1 s, each run checked against its bound: a new leader after
 * the leader crashed (2 × TTL at most), and a leader's step-down after Redis became unreachable
 * (TTL − 1 % − 100 ms at most). Runs {@code -Dstorelog.failoverRuns} times (default 3; the figures
 * in the report come from 11); writes min / median / max to {@code figures.txt} in the test's folder.
 */
class FailoverTimesTest {

    private static final int RUNS = Integer.getInteger("storelog.failoverRuns", 3);
    private static final long MS = 1_000_000;

    @RegisterExtension
    static final Cluster CLUSTER = Cluster.ownRedis();

    /** How Redis becomes unreachable. */
    enum Outage {
        KILLED, HUNG
    }

    private static TestNode campaigning(String id) {
        return CLUSTER.campaigning(id, 0);
    }

    /** Waits a random part of a renewal round, so runs hit every phase of the leader's renewals. */
    private static void randomPhase() {
        long until = System.nanoTime() + ThreadLocalRandom.current().nextLong(TTL / 3) * MS;
        await().atMost(Duration.ofMillis(TTL)).pollInterval(Duration.ofMillis(2)).until(() -> System.nanoTime() - until > 0);
    }

    @Test
    void aNewLeaderFollowsALeaderCrashWithinTwoTtls() throws IOException {
        List<TestNode> live = new ArrayList<>(List.of(campaigning("n1"), campaigning("n2"), campaigning("n3")));
        List<Long> took = new ArrayList<>();
        for (int run = 0; run < RUNS; run++) {
            TestNode leader = agreedLeader(live, Duration.ofSeconds(4));
            long epoch = leader.leadership().epoch();
            randomPhase();

            long crashed = System.nanoTime();
            leader.elector.crash();
            live.remove(leader);
            TestNode next = agreedLeader(live, Duration.ofMillis(2 * TTL));
            took.add((System.nanoTime() - crashed) / MS);

            assertThat(next.leadership().epoch()).isGreaterThan(epoch);
            live.add(campaigning("n" + (4 + run)));
        }
        report("new leader after a leader crash", took);
        assertThat(took).allMatch(ms -> ms < 2 * TTL);
    }

    @ParameterizedTest
    @EnumSource(Outage.class)
    void aLeaderStepsDownWithinItsDeadlineAfterRedisBecomesUnreachable(Outage outage) throws IOException {
        List<TestNode> three = List.of(campaigning("n1"), campaigning("n2"), campaigning("n3"));
        List<Long> took = new ArrayList<>();
        List<Long> lastLed = new ArrayList<>();
        try (Timeline timeline = new Timeline(three)) {
            for (int run = 0; run < RUNS; run++) {
                TestNode leader = agreedLeader(three, Duration.ofSeconds(4));
                long epoch = leader.leadership().epoch();
                randomPhase();

                if (outage == Outage.KILLED) {
                    CLUSTER.redis().kill();
                } else {
                    CLUSTER.redis().pause();
                }
                // from when Redis certainly stopped answering: a renewal sent while the signal was on its
                // way could still succeed, and rightly extends the lease from when it was sent
                long lost = System.nanoTime();
                await("the leader steps down").atMost(Duration.ofMillis(TTL)).pollInterval(Duration.ofMillis(1))
                        .until(() -> timeline.endedLeading(leader.id, epoch));
                took.add((timeline.first(leader.id, Role.CANDIDATE, lost).orElseThrow().after() - lost) / MS);
                lastLed.add((timeline.lastLeading(epoch).orElseThrow().before() - lost) / MS);
                CLUSTER.redis().restart(); // without data: the next win holds the lease one TTL
            }
            assertThat(timeline.overlaps()).isEmpty();
        }
        report("leader step-down after Redis " + outage.name().toLowerCase(), took);
        assertThat(lastLed).as("ms from the outage to the last LEADER answer").allMatch(ms -> ms < TTL - TTL / 100 - 100);
    }

    private void report(String what, List<Long> millis) throws IOException {
        List<Long> sorted = millis.stream().sorted().toList();
        String line = String.format("%s, LEADER_TTL=%d ms, %d runs: min %d ms, median %d ms, max %d ms; all: %s%n", what, TTL,
                sorted.size(), sorted.getFirst(), sorted.get(sorted.size() / 2), sorted.getLast(),
                millis.stream().map(String::valueOf).collect(Collectors.joining(" ")));
        Files.writeString(CLUSTER.dir().resolve("figures.txt"), line);
        System.out.print(line);
    }
}
