package storelog.elector.raft;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.retry.RetryPolicies;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;
import org.apache.ratis.util.TimeDuration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import storelog.api.spi.Leadership;
import storelog.testkit.TestData;

/**
 * Entries that reach the group's log from outside the leader's own proposals, sent as a Ratis client
 * to a group of one with {@code CLUSTER_SECRET} set (one group for both tests, in order: starting a
 * group costs seconds).
 * <ol>
 *   <li>Someone who can reach a Raft peer and read the group id off the wire (it travels in clear
 *       text) but does not hold the secret: Ratis appends the entries, no replica applies them — no
 *       epoch raised out of reach, no leadership handed out.</li>
 *   <li>A node's report of an epoch above the one the Raft leader leads with (a Redis leadership won
 *       just before Raft took over, reported after the take-over entry): the leader stops leading
 *       with its lower epoch at once and leads again only with a new epoch above the reported one.</li>
 * </ol>
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class GroupEntriesTest {

    private static final String SECRET = "the-right-secret";
    private Cluster cluster;
    private Node leader;

    @BeforeAll
    void startAGroupOfOne() {
        Map<String, String> settings = new HashMap<>(Cluster.FAST);
        settings.put("CLUSTER_SECRET", SECRET);
        cluster = new Cluster(TestData.directory(GroupEntriesTest.class, "group"), settings, 0, 1).withNodes(1).startAll();
        leader = cluster.awaitAgreedLeader(RaftElectionTest.ELECTION);
    }

    @AfterAll
    void close() {
        cluster.close();
    }

    @Test
    @Order(1)
    void entriesWithoutTheSecretsTagChangeNoReplicasState() throws Exception {
        long epoch = leader.leadership().epoch();
        long huge = 1L << 60;
        byte[] observe = new Command.Observe(huge).encode();
        byte[] wrongTag = Arrays.copyOf(observe, observe.length + EntrySeal.TAG_BYTES); // a tag it cannot compute
        byte[] otherSecret = EntrySeal.of("a-wrong-secret", leader.elector().groupId().toString()).seal(observe);

        for (byte[] entry : List.of(observe, wrongTag, otherSecret)) {
            assertThat(send(entry).isSuccess()).as("Ratis appends (and applies) what any client sends").isTrue();
        }

        assertThat(leader.elector().state().highestObserved()).isLessThan(huge);
        assertThat(leader.leadership()).isEqualTo(new Leadership(Leadership.Role.LEADER, java.util.Optional.of("n1"), epoch));
    }

    @Test
    @Order(2)
    void aLeaderWhoseEpochIsBelowAnEpochReportedToTheGroupMovesAboveIt() throws Exception {
        long reported = leader.leadership().epoch() + 10;
        try (LeaderSampler sampler = new LeaderSampler(cluster)) {
            byte[] report = EntrySeal.of(SECRET, leader.elector().groupId().toString()).seal(new Command.Observe(reported).encode());
            assertThat(send(report).isSuccess()).isTrue(); // as another node's EpochReporter sends it

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

    private RaftClientReply send(byte[] entry) throws Exception {
        RaftElector elector = leader.elector();
        try (RaftClient client = RaftClient.newBuilder().setProperties(elector.clientProperties()).setRaftGroup(elector.group())
                .setRetryPolicy(RetryPolicies.retryUpToMaximumCountWithFixedSleep(10,
                        TimeDuration.valueOf(100, java.util.concurrent.TimeUnit.MILLISECONDS))).build()) {
            return client.io().send(Message.valueOf(ByteString.copyFrom(entry)));
        }
    }
}
