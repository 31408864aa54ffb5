package storelog.elector.raft;

import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.nio.file.Path;
import org.apache.ratis.protocol.RaftPeer;
import storelog.api.spi.ElectionContext;
import storelog.api.spi.Member;

/**
 * How a node without the group in its storage comes into it (docs/cluster.md "Forming the group"):
 * it asks each member of discovery's view whether it holds the group, and joins the group if one
 * does (also when the view is short of the expected initial members: one may have died after another
 * node formed the group with it). If none does and the view holds all the expected initial members,
 * it creates the group with the identical initial peer list
 * every such node computes (the view, ordered by node id) — but only on seeds that rest on an answer
 * ({@link ElectionContext#seedsKnown()}: a DNS outage since start leaves a lone node's view empty of
 * the others, and a group of one would elect itself beside theirs); if one does, it joins the group
 * (see {@link #join}). A member that does not answer postpones the decision to the next step. Used by the
 * elector thread only.
 */
final class GroupFormation {

    /** The member attribute a discovery plugin may use for a member's gossip address (matched against seeds). */
    static final String GOSSIP = "gossip";

    private static final Logger LOG = System.getLogger(GroupFormation.class.getName());

    private final ElectionContext context;
    private final RaftNode node;
    private final GroupProbe probe;
    private final Path stateDirectory;
    private String lastWait = "";

    GroupFormation(ElectionContext context, RaftNode node, GroupProbe probe) {
        this.context = context;
        this.node = node;
        this.probe = probe;
        this.stateDirectory = context.stateDirectory();
    }

    /**
     * How many members the first group is formed with: the distinct seeds, plus this node when it is
     * not one of them; 1 without seeds. Seeds are gossip addresses and members do not carry one in the
     * SPI, so this node counts as one of the seeds unless it advertises a {@value #GOSSIP} attribute
     * that none of them equals (the usual set-up gives every node the same seed list, itself included).
     */
    static int expectedMembers(List<String> seeds, Member self) {
        Set<String> distinct = new HashSet<>();
        for (String seed : seeds) {
            if (!seed.isBlank()) {
                distinct.add(seed.strip().toLowerCase(Locale.ROOT));
            }
        }
        boolean selfElsewhere = self.attribute(GOSSIP).map(g -> !distinct.contains(g.strip().toLowerCase(Locale.ROOT))).orElse(false);
        return Math.max(1, distinct.size() + (selfElsewhere ? 1 : 0));
    }

    /** One attempt; true once this node holds the group (recovered, created or waiting to be added). */
    boolean step() throws IOException {
        if (node.division().isPresent()) {
            return true;
        }
        Map<String, RaftPeer> view = RaftPeers.view(context.members().get(), context.self());
        // asked first, whatever the view's size: joining a group that exists is always safe, and a member
        // that left the view after another node formed the group with it must not keep this node out
        List<String> unanswered = new ArrayList<>();
        for (RaftPeer peer : view.values()) {
            if (peer.getId().equals(node.self())) {
                continue;
            }
            Optional<GroupProbe.Answer> answer = probe.ask(peer);
            if (answer.isEmpty()) {
                unanswered.add(RaftPeers.describe(peer));
            } else if (answer.get().holds()) {
                join(peer, answer.get().peers());
                return true;
            }
        }
        int expected = expectedMembers(context.seeds().get(), context.self());
        if (view.size() < expected) {
            waiting("the view holds " + view.size() + " of the " + expected + " expected initial members " + view.keySet());
            return false;
        }
        if (!unanswered.isEmpty()) {
            waiting("no answer yet from " + unanswered);
            return false;
        }
        if (!context.seedsKnown().getAsBoolean()) {
            // DNS has not answered since start: the seeds (and so the expected members) are unknown, and a
            // group formed now from this view alone would be a second group beside the one the others hold
            waiting("discovery has had no answer yet (DNS), so other nodes may exist that the view does not show");
            return false;
        }
        List<RaftPeer> peers = view.values().stream().sorted(RaftPeers.BY_ID).toList();
        InitialPeers.write(stateDirectory, peers);
        node.addGroup(peers);
        LOG.log(Level.INFO, "raft elector {0}: formed Raft group {1} with {2}", context.nodeId(), node.groupId(), RaftPeers.describe(peers));
        return true;
    }

    /**
     * The group exists, held by {@code holder}. When its configuration names this node (another node
     * formed it with the same view a moment earlier), this node starts with that configuration: with
     * no peers it would never vote, and the group could not elect. Otherwise it starts with no peers
     * and waits for the Raft leader to add it.
     */
    private void join(RaftPeer holder, List<RaftPeer> holderPeers) throws IOException {
        boolean named = holderPeers.stream().anyMatch(p -> p.getId().equals(node.self()));
        List<RaftPeer> peers = named ? holderPeers.stream().sorted(RaftPeers.BY_ID).toList() : List.of();
        if (named) {
            InitialPeers.write(stateDirectory, peers);
        }
        node.addGroup(peers);
        LOG.log(Level.INFO, "raft elector {0}: Raft group {1} exists (held by {2}); {3}", context.nodeId(), node.groupId(),
                holder.getId(), named ? "joined it as one of " + RaftPeers.describe(peers) : "waiting to be added by its leader");
    }

    private void waiting(String why) {
        if (!why.equals(lastWait)) {
            lastWait = why;
            LOG.log(Level.INFO, "raft elector {0}: not forming the Raft group yet: {1}", context.nodeId(), why);
        }
    }
}
