package storelog.discovery.gossip;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import storelog.api.Settings;
import storelog.api.spi.Discovery;
import storelog.api.spi.DiscoveryContext;
import storelog.api.spi.Member;

/**
 * A gossip node in a JVM of its own, for tests that kill or pause a real process ({@link ChildNode}).
 * Arguments: cluster, node id, port, secret ({@code -} for none), seeds ({@code host:port,...}), failure
 * timeout in ms. Prints
 * {@code STARTED}, then {@code MEMBERS <ids, comma-separated, in view order>} on every change; closes
 * and exits when a line {@code close} (or the end of input) arrives on stdin.
 */
public final class NodeMain {

    private NodeMain() {
    }

    public static void main(String[] args) throws Exception {
        String secret = args[3].equals("-") ? null : args[3];
        Discovery discovery = new GossipDiscoveryProvider().open(Settings.of(TestNode.settings(args[0], Integer.parseInt(args[2]),
                secret, Long.parseLong(args[5]))));
        List<String> seeds = Arrays.asList(args[4].split(","));
        try {
            discovery.start(new DiscoveryContext(TestNode.self(args[1], Integer.parseInt(args[2])), () -> seeds),
                    members -> say("MEMBERS " + String.join(",", members.stream().map(Member::nodeId).toList())));
        } catch (RuntimeException e) {
            say("FAILED " + e);
            System.exit(3);
        }
        say("STARTED");
        try (BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
            for (String line; (line = in.readLine()) != null && !line.equals("close"); ) {
                // only "close" means anything
            }
        }
        discovery.close();
        say("CLOSED");
    }

    private static synchronized void say(String line) {
        System.out.println(line);
        System.out.flush();
    }
}
