package storelog.elector.raft;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.retry.RetryPolicies;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import storelog.testkit.TestData;

/**
 * Someone who can reach a Raft peer (here: the one node of a group) and has read the group id off the wire (it travels in clear text)
 * but does not hold CLUSTER_SECRET sends entries as a Ratis client: they are appended, but no replica
 * applies them — no epoch raised out of reach, no leadership handed out.
 */
class IntruderTest {

    @Test
    void entriesWithoutTheSecretsTagChangeNoReplicasState(TestInfo test) throws Exception {
        Map<String, String> settings = new HashMap<>(Cluster.FAST);
        settings.put("CLUSTER_SECRET", "the-right-secret");
        try (Cluster cluster = new Cluster(TestData.directory(test), settings, 0, 1).withNodes(1).startAll()) {
            Node leader = cluster.awaitAgreedLeader(RaftElectionTest.ELECTION);
            long epoch = leader.leadership().epoch();
            long huge = 1L << 60;

            byte[] observe = new Command.Observe(huge).encode();
            byte[] wrongTag = Arrays.copyOf(observe, observe.length + EntrySeal.TAG_BYTES); // a tag it cannot compute
            byte[] otherSecret = EntrySeal.of("a-wrong-secret", leader.elector().groupId().toString()).seal(observe);
            for (byte[] entry : List.of(observe, wrongTag, otherSecret)) {
                assertThat(inject(leader, entry).isSuccess()).as("Ratis appends what any client sends").isTrue();
            }

            assertThat(cluster.nodes).allSatisfy(n -> {
                assertThat(n.elector().state().highestObserved()).as("%s", n.id).isLessThan(huge);
                assertThat(n.leadership().epoch()).as("%s", n.id).isEqualTo(epoch);
            });
        }
    }

    private static RaftClientReply inject(Node leader, byte[] entry) throws Exception {
        RaftGroup group = leader.elector().group();
        try (RaftClient client = RaftClient.newBuilder().setProperties(leader.elector().clientProperties()).setRaftGroup(group)
                .setRetryPolicy(RetryPolicies.retryUpToMaximumCountWithFixedSleep(10,
                        org.apache.ratis.util.TimeDuration.valueOf(100, java.util.concurrent.TimeUnit.MILLISECONDS))).build()) {
            return client.io().send(Message.valueOf(ByteString.copyFrom(entry)));
        }
    }
}
