package storelog.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import storelog.api.PartitionKey;
import storelog.api.Record;

/**
 * Under {@code ACKS=leader} a new leader serves after a 1 s grace with whichever members answered
 * its state request ({@code LeaderTerm.catchUp}). docs/cluster.md ("ACKS") says a dead leader loses
 * only "the records it acknowledged that no follower had yet" — but a follower that holds such a
 * record and answers after the grace (a loaded machine: the fault suite's {@code split} logged
 * "caught up from []" while the other majority node was reachable) is not heard, and its record is
 * later cut as divergent. After the grace the term now waits for requests still in flight (up to
 * the request timeout) under {@code ACKS=leader}.
 */
class LeaderTermAcksLeaderGraceTest {

    private static final PartitionKey KEY = LeaderTermSetup.KEY;
    /** b holds the leader's two records and, at offset 2, one the old leader acknowledged that b got. */
    private static final String B_AHEAD = "{\"node_id\":\"b\",\"partitions\":{\"events\":{\"next_offset\":3,\"epochs\":[[5,0]]}}}";

    @RegisterExtension
    final LeaderTermSetup setup = new LeaderTermSetup();
    private LeaderTerm term;

    @BeforeEach
    void setUp() {
        setup.twoRecordsHereAndAThirdOnB();
    }

    @Test
    void aFollowerThatAnswersAfterTheGraceIsStillHeardBeforeServing() {
        setup.b.state = n -> {
            try {
                Thread.sleep(1_500); // b is slow to answer (a loaded machine), yet reachable
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return new StubFollower.Answer(200, B_AHEAD);
        };
        term = setup.start(7, LeaderTermSetup.settings(false, Duration.ofSeconds(1)), Duration.ofSeconds(2));

        await().atMost(Duration.ofSeconds(10)).until(term::ready);
        assertThat(setup.engine.read(KEY, 0, 10, Long.MAX_VALUE).stream().map(Record::text).toList())
                .as("b's record, acknowledged by the old leader and held by a follower, was copied before serving")
                .containsExactly("r0", "r1", "acked");
    }
}
