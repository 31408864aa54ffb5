package storelog.elector.raft;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import storelog.api.InvalidSettingException;
import storelog.api.Settings;
import storelog.api.spi.ElectionContext;
import storelog.api.spi.LeaderElector;
import storelog.api.spi.Member;
import storelog.testkit.TestData;

class RaftSettingsTest {

    private static ElectionContext context(Path dir, Map<String, String> settings, Map<String, String> attributes) {
        Member self = new Member("n1", "127.0.0.1:8080", attributes);
        return new ElectionContext("n1", Settings.of(settings), self, () -> List.of(self), List::of, () -> 0, 0, 1, dir, () -> false);
    }

    private static ElectionContext context(Path dir, Map<String, String> settings) {
        return context(dir, settings, Map.of(Member.RAFT, "127.0.0.1:" + Cluster.freePort()));
    }

    @Test
    void defaultsAreTheDocumentedOnes(TestInfo test) {
        RaftSettings settings = RaftSettings.from(context(TestData.directory(test), Map.of()));

        assertThat(settings.clusterName()).isEqualTo("storelog-cluster");
        assertThat(settings.leaderTtl().toMillis()).isEqualTo(10_000);
        assertThat(settings.removeAfter().toMillis()).isEqualTo(30_000);
        assertThat(settings.electionTimeout().toMillis()).isEqualTo(500);
    }

    @Test
    void theGroupIdFollowsTheClusterNameOnEveryNode(TestInfo test) {
        Path dir = TestData.directory(test);
        RaftSettings a = RaftSettings.from(context(dir, Map.of("SERVICE_NAME", "orders")));
        RaftSettings b = RaftSettings.from(context(dir, Map.of("SERVICE_NAME", "orders")));
        RaftSettings other = RaftSettings.from(context(dir, Map.of("SERVICE_NAME", "billing")));

        assertThat(a.groupId()).isEqualTo(b.groupId()).isNotEqualTo(other.groupId());
    }

    @Test
    void aNodeWithAnotherSecretIsInAnotherGroup(TestInfo test) {
        Path dir = TestData.directory(test);
        RaftSettings right = RaftSettings.from(context(dir, Map.of("SERVICE_NAME", "orders", "CLUSTER_SECRET", "right")));
        RaftSettings wrong = RaftSettings.from(context(dir, Map.of("SERVICE_NAME", "orders", "CLUSTER_SECRET", "wrong")));

        assertThat(right.groupId()).isNotEqualTo(wrong.groupId());
    }

    @Test
    void unusableNumbersAreRefusedNamingTheVariable(TestInfo test) {
        Path dir = TestData.directory(test);
        for (Map.Entry<String, String> bad : Map.of("LEADER_TTL", "0", "RAFT_REMOVE_AFTER_MS", "soon").entrySet()) {
            assertThatThrownBy(() -> new RaftElectorProvider().open(context(dir, Map.of(bad.getKey(), bad.getValue()))))
                    .isInstanceOfSatisfying(InvalidSettingException.class, e -> assertThat(e.name()).isEqualTo(bad.getKey()));
        }
    }

    @Test
    void aMissingOrMalformedRaftAddressIsRefusedNamingRaftPort(TestInfo test) {
        Path dir = TestData.directory(test);
        for (Map<String, String> attributes : List.of(Map.<String, String>of(), Map.of(Member.RAFT, "nowhere"),
                Map.of(Member.RAFT, "127.0.0.1:0"), Map.of(Member.RAFT, "127.0.0.1:70000"))) {
            assertThatThrownBy(() -> new RaftElectorProvider().open(context(dir, Map.of("RAFT_PORT", "7000"), attributes)))
                    .as("raft address %s", attributes).isInstanceOfSatisfying(InvalidSettingException.class, e -> {
                        assertThat(e.name()).isEqualTo("RAFT_PORT");
                        assertThat(e.getMessage()).contains("Raft address");
                    });
        }
    }

    @Test
    void aTakenPortIsRefusedNamingRaftPortAndLeavesNoThreadBehind(TestInfo test) throws Exception {
        Path dir = TestData.directory(test);
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Map<String, String> settings = new HashMap<>(Map.of("RAFT_PORT", Integer.toString(taken.getLocalPort())));
            Set<Thread> before = Thread.getAllStackTraces().keySet();
            LeaderElector elector = new RaftElectorProvider().open(context(dir, settings,
                    Map.of(Member.RAFT, "127.0.0.1:" + taken.getLocalPort())));

            assertThatThrownBy(() -> elector.start(e -> { }))
                    .isInstanceOfSatisfying(InvalidSettingException.class, e -> {
                        assertThat(e.name()).isEqualTo("RAFT_PORT");
                        assertThat(e.value()).isEqualTo(Integer.toString(taken.getLocalPort()));
                        assertThat(e.getMessage()).contains("cannot listen on its Raft address");
                    });
            elector.close();
            // Netty's shared GlobalEventExecutor thread (started by any Netty user in this JVM) ends by
            // itself after a second of quiet: wait for the threads to end, do not count them at once
            await().pollInSameThread().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(Thread.getAllStackTraces().keySet().stream()
                    .filter(t -> !before.contains(t) && !t.isDaemon()).map(Thread::getName).collect(Collectors.toList())).isEmpty());
        }
    }

    @Test
    void anAddressOfAnotherMachineIsRefusedNamingRaftPort(TestInfo test) {
        LeaderElector elector = new RaftElectorProvider().open(context(TestData.directory(test), Map.of(),
                Map.of(Member.RAFT, "192.0.2.1:7000"))); // TEST-NET-1: never this machine's

        assertThatThrownBy(() -> elector.start(e -> { }))
                .isInstanceOfSatisfying(InvalidSettingException.class, e -> assertThat(e.name()).isEqualTo("RAFT_PORT"));
        elector.close();
    }
}
