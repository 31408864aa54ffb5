package storelog.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import storelog.api.NewRecord;
import storelog.api.PartitionKey;
import storelog.core.ReadFence;

/** What a leader's term lets readers see (its read fence), against one stub follower "b" that holds nothing at first. */
class LeaderTermReadFenceTest {

    private static final PartitionKey KEY = LeaderTermSetup.KEY;

    @RegisterExtension
    final LeaderTermSetup setup = new LeaderTermSetup();
    private final AtomicLong highest = new AtomicLong(9);
    private ReadFence fence;
    private LeaderTerm term;

    @BeforeEach
    void setUp() {
        setup.b.state = n -> new StubFollower.Answer(200, LeaderTermSetup.B_EMPTY);
        fence = setup.newFence();
        fence.enable();
    }

    private void startTerm() {
        term = setup.start(9, LeaderTermSetup.settings(true, Duration.ofSeconds(10)), Duration.ofSeconds(10), setup::onlyB,
                higher -> { }, fence, highest::get);
    }

    /**
     * A newer leader (epoch 10) fenced this node and read its log for its catch-up while records of
     * epoch 9 were on their way to b: they are not in what the newer leader read, which may cut them
     * (it need not copy them, and b then cuts them too), so readers here must not see them, although
     * b acknowledged them. Before the fix the term raised the read fence as b's answers came,
     * whatever epoch this node had seen since (the client's publish was told "unknown outcome", but
     * readers saw the record).
     */
    @Test
    void aLeaderFencedByANewerEpochCommitsNothingMore() {
        setup.engine.append(KEY, 9, IntStream.range(0, 100).mapToObj(i -> NewRecord.string("r" + i, 1)).toList());
        CountDownLatch fenced = new CountDownLatch(1);
        setup.b.replicate = body -> {
            try {
                fenced.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return StubFollower.ok(StubFollower.offsetOf(body) + StubFollower.recordsIn(body));
        };
        startTerm();
        await().atMost(Duration.ofSeconds(10)).until(() -> !setup.b.pushes().isEmpty());

        highest.set(10); // the newer leader's state request
        fenced.countDown();

        await().atMost(Duration.ofSeconds(10)).until(() -> term.tracker().acked("b", KEY) == 100);
        term.tracker().await(KEY, 100, Duration.ofSeconds(5)); // the rule holds (a publish would then be told "unknown")
        assertThat(fence.committed(KEY)).as("nothing stored after the newer leader read this log is served").isZero();
    }

    /**
     * Raft's "figure 8": records of an older epoch that reach {@code MIN_INSYNC} nodes under a newer
     * leader are not yet safe. Three nodes, MIN_INSYNC=2: leader A (epoch 5) stores r at offset 100
     * and dies before pushing it; C leads epoch 7 (caught up from B and C, neither holds r), stores r'
     * at offset 100 and dies before pushing it; A comes back and leads epoch 9 (caught up from A and
     * B: A's log, epoch 5, is the more up-to-date), pushes r to B, B acknowledges: r is held by two
     * nodes and this term commits it, readers see it (here: the term's fence is raised to 101). A
     * dies; C leads epoch 11, caught up from C and B: C's last epoch (7) is higher than B's (5), so
     * C's log wins and B cuts r as divergent. A record readers saw is gone.
     *
     * <p>The fix (Kafka's): the term records its epoch's start (here at 101) and commits nothing
     * before {@code MIN_INSYNC} nodes hold it. This stub b never says it recorded it (its answers
     * carry no {@code last_epoch}), so only the term's own record, which carries the epoch into b's
     * history, lets the records below it be committed. Before the fix the fence rose to 101 at once.
     */
    @Test
    void recordsOfAnOlderEpochAreNotCommittedBeforeOneOfTheTermsOwn() {
        setup.engine.append(KEY, 5, IntStream.range(0, 101).mapToObj(i -> NewRecord.string("r" + i, 1)).toList());
        setup.b.replicate = body -> StubFollower.ok(StubFollower.offsetOf(body) + StubFollower.recordsIn(body));
        startTerm();

        await().atMost(Duration.ofSeconds(10)).until(() -> term.tracker().acked("b", KEY) == 101);
        assertThat(fence.committed(KEY)).as("epoch 5's records are not safe by being on two nodes").isZero();

        long at = setup.engine.append(KEY, 9, List.of(NewRecord.string("own", 1)));
        term.appended(KEY);
        await().atMost(Duration.ofSeconds(10)).until(() -> term.tracker().acked("b", KEY) == at + 1);
        assertThat(fence.committed(KEY)).as("with one of the term's own records they are").isEqualTo(at + 1);
    }

    /**
     * The same records become readable, without a record of the term's own, once b says (answering a
     * push that carries {@code epoch_start}) that its history holds the term's epoch start: then two
     * nodes hold it, and every later leader's catch-up finds a log that ranks by epoch 9 or later.
     */
    @Test
    void recordsOfAnOlderEpochAreCommittedOnceAQuorumHoldsTheTermsEpochStart() {
        setup.engine.append(KEY, 5, IntStream.range(0, 101).mapToObj(i -> NewRecord.string("r" + i, 1)).toList());
        setup.b.replicate = body -> {
            long end = StubFollower.offsetOf(body) + StubFollower.recordsIn(body);
            boolean start = body.contains("\"epoch_start\":101") && end == 101;
            return new StubFollower.Answer(200, "{\"status\":\"ok\",\"node_id\":\"b\",\"next_offset\":" + end
                    + ",\"last_epoch\":" + (start ? 9 : 5) + "}");
        };
        startTerm();

        await().atMost(Duration.ofSeconds(10)).until(() -> fence.committed(KEY) == 101);
        assertThat(setup.engine.epochs(KEY)).as("the leader recorded its epoch's start").containsExactly(
                new storelog.api.EpochStart(5, 0), new storelog.api.EpochStart(9, 101));
        assertThat(setup.engine.info(KEY).orElseThrow().nextOffset()).as("without a record").isEqualTo(101);
        assertThat(setup.b.pushes()).allMatch(body -> body.contains("\"epoch_start\":101"));
    }

    /**
     * A partition whose records this node knows to be committed (it learned so as a follower) gets no
     * epoch start: the term commits nothing older there, so a failover costs no fsync per idle partition.
     */
    @Test
    void aPartitionCommittedToItsEndGetsNoEpochStart() {
        setup.engine.append(KEY, 5, IntStream.range(0, 101).mapToObj(i -> NewRecord.string("r" + i, 1)).toList());
        fence.raise(KEY, 101);
        setup.b.replicate = body -> StubFollower.ok(StubFollower.offsetOf(body) + StubFollower.recordsIn(body));
        startTerm();

        await().atMost(Duration.ofSeconds(10)).until(() -> term.ready() && term.tracker().acked("b", KEY) == 101);
        assertThat(setup.engine.epochs(KEY)).containsExactly(new storelog.api.EpochStart(5, 0));
        assertThat(term.epochStart(KEY)).isZero();
    }
}
