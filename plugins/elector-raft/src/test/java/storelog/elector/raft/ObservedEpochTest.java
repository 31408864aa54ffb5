package storelog.elector.raft;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import storelog.api.spi.Leadership;
import storelog.testkit.TestData;

/**
 * A node reports (through the group) an epoch above the one the Raft leader leads with — a Redis
 * leadership won just before Raft took over, which reached the group after the take-over entry: the
 * Raft leader stops leading with its lower epoch at once and leads again only with a new epoch above
 * the reported one.
 */
class ObservedEpochTest {

    @Test
    void aLeaderWhoseEpochIsBelowAnEpochReportedToTheGroupMovesAboveIt(TestInfo test) throws Exception {
        Map<String, String> settings = new HashMap<>(Cluster.FAST);
        settings.put("CLUSTER_SECRET", "s3cret");
        try (Cluster cluster = new Cluster(TestData.directory(test), settings, 0, 1).withNodes(1).startAll();
             LeaderSampler sampler = new LeaderSampler(cluster)) {
            Node leader = cluster.awaitAgreedLeader(RaftElectionTest.ELECTION);
            long epoch = leader.leadership().epoch();
            long reported = epoch + 10;

            report(leader, reported); // as another node's EpochReporter sends it

            assertThat(leader.elector().state().highestObserved()).isGreaterThanOrEqualTo(reported);
            Leadership now = leader.leadership();
            assertThat(now.role() == Leadership.Role.LEADER && now.epoch() < reported)
                    .as("leading with %s after %d was reported", now, reported).isFalse();
            Cluster.await("a new epoch above the reported one", Duration.ofSeconds(5),
                    () -> leader.isLeader() && leader.leadership().epoch() > reported);
            sampler.close();
            assertThat(sampler.violations).isEmpty();
        }
    }

    private static void report(Node node, long epoch) throws Exception {
        RaftElector elector = node.elector();
        EntrySeal seal = EntrySeal.of("s3cret", elector.groupId().toString());
        try (RaftClient client = RaftClient.newBuilder().setProperties(elector.clientProperties()).setRaftGroup(elector.group()).build()) {
            assertThat(client.io().send(Message.valueOf(ByteString.copyFrom(seal.seal(new Command.Observe(epoch).encode()))))
                    .isSuccess()).isTrue();
        }
    }
}
