package storelog.discovery.gossip;

import java.util.List;
import org.jgroups.Address;
import org.jgroups.JChannel;
import org.jgroups.protocols.DISCARD;
import org.jgroups.protocols.TCP;
import org.jgroups.stack.ProtocolStack;

/**
 * A network split between nodes of the test JVM (this kernel has no netem): JGroups' DISCARD protocol,
 * slipped in above each node's transport, drops everything the other side sends.
 */
final class Split {

    private Split() {
    }

    /** Every node of each side drops all messages from every node of the other. */
    static void split(List<TestNode> left, List<TestNode> right) throws Exception {
        for (TestNode node : left) {
            discard(node).addIgnoredMembers(addresses(right));
        }
        for (TestNode node : right) {
            discard(node).addIgnoredMembers(addresses(left));
        }
    }

    /** The split ends: every node hears every other again. */
    static void heal(List<TestNode> nodes) throws Exception {
        for (TestNode node : nodes) {
            discard(node).resetIgnoredMembers();
        }
    }

    private static Address[] addresses(List<TestNode> nodes) {
        return nodes.stream().map(node -> node.discovery.channel().getAddress()).toArray(Address[]::new);
    }

    /** The node's DISCARD, slipped in above the transport on first use. */
    private static DISCARD discard(TestNode node) throws Exception {
        JChannel channel = node.discovery.channel();
        ProtocolStack stack = channel.getProtocolStack();
        if (stack.findProtocol(DISCARD.class) instanceof DISCARD existing) {
            return existing;
        }
        DISCARD discard = new DISCARD();
        stack.insertProtocol(discard, ProtocolStack.Position.ABOVE, TCP.class);
        discard.init();
        discard.start();
        return discard;
    }
}
