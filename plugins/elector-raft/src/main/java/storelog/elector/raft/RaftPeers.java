package storelog.elector.raft;

import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import storelog.api.spi.Member;

/** Raft peers from discovery's members: those that advertise a usable Raft address. */
final class RaftPeers {

    /** Orders peers by node id: the identical initial list every forming node computes. */
    static final Comparator<RaftPeer> BY_ID = Comparator.comparing(p -> p.getId().toString());

    private RaftPeers() {
    }

    /** A member's peer, when it advertises a valid Raft address. */
    static Optional<RaftPeer> of(Member member) {
        return member.attribute(Member.RAFT).flatMap(RaftAddress::parse).map(address -> RaftPeer.newBuilder()
                .setId(RaftPeerId.valueOf(member.nodeId())).setAddress(address.toString()).build());
    }

    /** The members' peers by node id (one per id, the last one listed), {@code self} always among them. */
    static Map<String, RaftPeer> view(List<Member> members, Member self) {
        Map<String, RaftPeer> view = new TreeMap<>();
        for (Member member : members) {
            of(member).ifPresent(p -> view.put(member.nodeId(), p));
        }
        of(self).ifPresent(p -> view.put(self.nodeId(), p));
        return view;
    }

    /** A peer as it is logged: {@code id@host:port}. */
    static String describe(RaftPeer peer) {
        return peer.getId() + "@" + peer.getAddress();
    }

    static String describe(java.util.Collection<RaftPeer> peers) {
        return peers.stream().sorted(BY_ID).map(RaftPeers::describe).toList().toString();
    }
}
