package storelog.elector.raft;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import storelog.api.spi.Leadership;
import storelog.api.spi.Member;

/**
 * A raft elector node in a JVM of its own, for tests that kill or pause a process. Arguments: node id,
 * Raft port, state directory, then the cluster's members as {@code id=port} (all on 127.0.0.1). It
 * prints {@code leadership <role> <leader|-> <epoch>} on every listener call, and — sampling
 * {@code leadership()} every 5 ms — {@code resumed <gap ms> <role> <epoch>} for the first sample after
 * a gap of more than 300 ms (the process was paused). It runs until killed or its stdin closes.
 */
public final class ChildNode {

    private ChildNode() {
    }

    public static void main(String[] args) throws Exception {
        String id = args[0];
        int port = Integer.parseInt(args[1]);
        Path state = Path.of(args[2]);
        List<Member> members = new ArrayList<>();
        List<String> seeds = new ArrayList<>();
        for (int i = 3; i < args.length; i++) {
            String[] member = args[i].split("=");
            members.add(Node.member(member[0], Integer.parseInt(member[1])));
            seeds.add("seed-" + member[0]);
        }
        Node node = new Node(id, port, state, Cluster.FAST, () -> members, () -> seeds, 0, 1);
        node.onChange(l -> print("leadership " + describe(l)));
        node.start();
        Thread.ofPlatform().daemon().start(() -> sample(node));
        System.in.read(); // until the parent closes stdin (or kills this JVM)
        node.close();
    }

    private static void sample(Node node) {
        long last = System.nanoTime();
        while (true) {
            Leadership l = node.leadership();
            long now = System.nanoTime();
            if (now - last > 300_000_000L) {
                print("resumed " + (now - last) / 1_000_000 + " " + describe(l));
            }
            last = now;
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    static String describe(Leadership l) {
        return l.role() + " " + l.leaderId().orElse("-") + " " + l.epoch();
    }

    private static synchronized void print(String line) {
        System.out.println(line);
        System.out.flush();
    }
}
