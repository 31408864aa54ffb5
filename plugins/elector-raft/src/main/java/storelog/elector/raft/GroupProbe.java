package storelog.elector.raft;

import java.io.IOException;
import java.util.List;
import java.util.Optional;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.client.api.GroupManagementApi;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.retry.RetryPolicies;

/** Asks another member's Raft server (Ratis group management) whether it holds the group, and with whom. */
final class GroupProbe {

    /** A member's answer: whether it holds the group, and then its current voting peers. */
    record Answer(boolean holds, List<RaftPeer> peers) {
        static final Answer NO_GROUP = new Answer(false, List.of());
    }

    private final RaftGroupId groupId;
    private final RaftProperties clientProperties;

    GroupProbe(RaftGroupId groupId, RaftProperties clientProperties) {
        this.groupId = groupId;
        this.clientProperties = clientProperties;
    }

    /** What {@code peer} says; empty when it does not answer (not started yet, unreachable). */
    Optional<Answer> ask(RaftPeer peer) {
        try (RaftClient client = RaftClient.newBuilder().setProperties(clientProperties).setRetryPolicy(RetryPolicies.noRetry())
                .setRaftGroup(RaftGroup.valueOf(groupId, peer)).build()) {
            GroupManagementApi api = client.getGroupManagementApi(peer.getId());
            if (!api.list().getGroupIds().contains(groupId)) {
                return Optional.of(Answer.NO_GROUP);
            }
            return Optional.of(new Answer(true, List.copyOf(api.info(groupId).getGroup().getPeers())));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }
}
