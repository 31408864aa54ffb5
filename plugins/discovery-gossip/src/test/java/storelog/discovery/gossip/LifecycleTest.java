package storelog.discovery.gossip;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import storelog.api.InvalidSettingException;
import storelog.api.Settings;
import storelog.api.spi.Discovery;
import storelog.api.spi.DiscoveryContext;

/** Start and close: what is bound, what runs, what is left. */
class LifecycleTest {

    private final String cluster = "lifecycle-" + System.nanoTime();

    private static Discovery open(String cluster, int port) {
        return new GossipDiscoveryProvider().open(Settings.of(TestNode.settings(cluster, port, null)));
    }

    @Test
    void membersIsEmptyBeforeStartHoldsThisNodeOnceStartedAndIsEmptyAgainAfterClose() {
        int port = Ports.free();
        Discovery discovery = open(cluster, port);
        assertThat(discovery.members()).isEmpty();

        discovery.start(new DiscoveryContext(TestNode.self("a", port), List::of), members -> { });
        try {
            assertThat(discovery.members()).containsExactly(TestNode.self("a", port));
        } finally {
            discovery.close();
        }
        assertThat(discovery.members()).isEmpty();
    }

    @Test
    void closeStopsEveryThreadThatTheNodesStarted() {
        Set<Thread> before = Threads.now();
        int[] ports = {Ports.free(), Ports.free()};
        List<String> seeds = List.of("127.0.0.1:" + ports[0], "127.0.0.1:" + ports[1]);
        try (TestNode a = TestNode.start(cluster, "a", ports[0], seeds); TestNode b = TestNode.start(cluster, "b", ports[1], seeds)) {
            a.awaitMembers(Set.of("a", "b"));
            b.awaitMembers(Set.of("a", "b"));
            assertThat(Threads.startedSince(before)).as("JGroups' threads are not daemons")
                    .anySatisfy(name -> assertThat(name).doesNotContain("(daemon)"));
        }

        Threads.awaitAllEnded(before);
    }

    @Test
    void aTakenBindPortFailsStartWithAnInvalidSettingNamingBindAddrAndLeavesNoThread() throws Exception {
        int port = Ports.free();
        Set<Thread> before = Threads.now();
        try (ServerSocket taken = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            assertThat(taken.getLocalPort()).isEqualTo(port);
            Discovery discovery = open(cluster, port);

            assertThatThrownBy(() -> discovery.start(new DiscoveryContext(TestNode.self("a", port), List::of), members -> { }))
                    .isInstanceOfSatisfying(InvalidSettingException.class, e -> {
                        assertThat(e.name()).isEqualTo("BIND_ADDR");
                        assertThat(e.value()).isEqualTo("127.0.0.1:" + port);
                    });
            assertThat(discovery.members()).isEmpty();
            discovery.close();
        }
        Threads.awaitAllEnded(before);
    }

    @Test
    void takenFailureDetectionPortsFailStartWithAnInvalidSettingNamingBindAddr() throws Exception {
        int port = Ports.free();
        Set<Thread> before = Threads.now();
        List<ServerSocket> taken = new ArrayList<>();
        try {
            for (int fd = port + 100; fd <= port + 103; fd++) {
                taken.add(new ServerSocket(fd, 1, InetAddress.getLoopbackAddress()));
            }
            Discovery discovery = open(cluster, port);

            assertThatThrownBy(() -> discovery.start(new DiscoveryContext(TestNode.self("a", port), List::of), members -> { }))
                    .isInstanceOfSatisfying(InvalidSettingException.class, e -> assertThat(e.name()).isEqualTo("BIND_ADDR"))
                    .hasMessageContaining(Integer.toString(port + 100));
            discovery.close();
        } finally {
            for (ServerSocket socket : taken) {
                socket.close();
            }
        }
        Threads.awaitAllEnded(before);
    }

    @Test
    void aNodeStartsOnceOnly() {
        int port = Ports.free();
        Discovery discovery = open(cluster, port);
        DiscoveryContext context = new DiscoveryContext(TestNode.self("a", port), List::of);
        discovery.start(context, members -> { });
        try {
            assertThatThrownBy(() -> discovery.start(context, members -> { })).isInstanceOf(IllegalStateException.class);
        } finally {
            discovery.close();
        }
        assertThatThrownBy(() -> discovery.start(context, members -> { })).isInstanceOf(IllegalStateException.class);
        discovery.close();
    }

    @Test
    void closingBeforeStartOrTwiceIsHarmless() {
        Discovery discovery = open(cluster, Ports.free());
        discovery.close();
        discovery.close();
        assertThat(discovery.members()).isEmpty();
    }

    @Test
    void aMemberAttributeLongerThanAnAddressCarriesIsRefusedAtStartAndLeavesNoThread() {
        int port = Ports.free();
        Set<Thread> before = Threads.now();
        Discovery discovery = open(cluster, port);
        var self = new storelog.api.spi.Member("a", "127.0.0.1:1", java.util.Map.of("raft", "x".repeat(256)));

        assertThatThrownBy(() -> discovery.start(new DiscoveryContext(self, List::of), members -> { }))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("v0");
        discovery.close();
        Threads.awaitAllEnded(before);
    }
}
