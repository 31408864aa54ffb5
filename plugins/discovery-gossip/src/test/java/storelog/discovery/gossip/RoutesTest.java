package storelog.discovery.gossip;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code PEER_ROUTES}: the transport dials a peer's advertised address where the route says (a proxy
 * on the link, a NAT), while the membership still names the peer by the address it advertises.
 */
class RoutesTest {

    private final String cluster = "routes-" + System.nanoTime();
    private final List<AutoCloseable> open = new ArrayList<>();

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable c : open.reversed()) {
            c.close();
        }
    }

    private TestNode start(String id, int port, List<String> seeds, String routes) {
        Map<String, String> settings = TestNode.settings(cluster, port, "routes-secret");
        if (routes != null) {
            settings.put("PEER_ROUTES", routes);
        }
        TestNode node = TestNode.start(cluster, id, port, () -> seeds, settings);
        open.add(node);
        return node;
    }

    @Test
    void aNodeReachesItsSeedThroughTheRouteOfTheSeedsAddress() throws Exception {
        int[] ports = {Ports.free(), Ports.free(), Ports.free()};
        TestNode b = start("b", ports[1], List.of(), null);
        PortForward link = new PortForward(ports[2], ports[1]);
        open.add(link);

        TestNode a = start("a", ports[0], TestNode.seeds(ports[1]), b.address() + "=127.0.0.1:" + ports[2]);

        a.awaitMembers(Set.of("a", "b"));
        b.awaitMembers(Set.of("a", "b"));
        assertThat(link.accepted()).as("a dialled b through the route").isPositive();
        assertThat(a.discovery.members()).as("b is still named by the address it advertises")
                .anyMatch(m -> m.nodeId().equals("b") && m.http().equals("127.0.0.1:" + (ports[1] + 1)));
    }

    @Test
    void aRouteToNowhereCutsThePeerOff() {
        int[] ports = {Ports.free(), Ports.free(), Ports.free()};
        TestNode b = start("b", ports[1], List.of(), null);

        TestNode a = start("a", ports[0], TestNode.seeds(ports[1]), b.address() + "=127.0.0.1:" + ports[2]); // nobody listens there

        a.awaitMembers(Set.of("a"));
        assertThat(b.ids()).as("b never heard of a").containsExactly("b");
    }
}
