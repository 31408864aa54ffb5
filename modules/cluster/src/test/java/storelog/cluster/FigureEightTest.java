package storelog.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import storelog.api.EpochStart;
import storelog.api.NewRecord;
import storelog.api.PartitionKey;
import storelog.api.Settings;
import storelog.api.spi.StorageEngine;
import storelog.core.LogService;
import storelog.core.PluginRegistry;
import storelog.core.ReadFence;
import storelog.testkit.TestData;

/**
 * Raft's "figure 8" end to end, with three real file engines A, B and C, real leader terms and B as
 * a real follower over HTTP ({@link ReplicaNode}); {@code ACKS=all}, {@code MIN_INSYNC=2}:
 * <ol>
 *   <li>all three hold records 0..99 of epoch 5; A, leading epoch 5, stores r at 100 and dies before
 *       pushing it;</li>
 *   <li>C leads epoch 7 (its catch-up fences B and finds nothing newer), records its epoch's start,
 *       stores r′ at 100 and dies before pushing anything;</li>
 *   <li>A comes back and leads epoch 9: its log (last epoch 5, 101 records) beats B's (5, 100), it
 *       pushes r to B, and r becomes readable on A;</li>
 *   <li>A dies; C leads epoch 11, its catch-up asking B.</li>
 * </ol>
 * Before the fix, B's log ranked by epoch 5, below C's 7: C kept r′ and B cut r, a record a reader
 * had seen. Now A's term recorded its epoch's start (9 at 101) and B recorded it from A's push, so B's
 * log ranks by 9 and C takes r from it.
 */
class FigureEightTest {

    private static final PartitionKey KEY = PartitionKey.of("events");
    private static final String SECRET = "s3cret";
    private static final ReplicationSettings SETTINGS = new ReplicationSettings(true, 2, Duration.ofSeconds(10),
            Duration.ofSeconds(10), SECRET, 4);

    private StorageEngine a;
    private StorageEngine b;
    private StorageEngine c;
    private ReplicaNode bNode;
    private final List<LeaderTerm> terms = new ArrayList<>();

    @BeforeEach
    void setUp(TestInfo test) {
        Path dir = TestData.directory(test);
        a = open(dir.resolve("a"));
        b = open(dir.resolve("b"));
        c = open(dir.resolve("c"));
        bNode = new ReplicaNode("b", b);
    }

    private static StorageEngine open(Path dir) {
        return PluginRegistry.bootLayer().storageEngine("file").open(Settings.of(Map.of("DATA_DIR", dir.toString())));
    }

    @AfterEach
    void tearDown() {
        terms.forEach(LeaderTerm::close);
        bNode.close();
        a.close();
        b.close();
        c.close();
    }

    /** A term of {@code engine}'s node with B as its only other member; returns it started, with its read fence. */
    private LeaderTerm lead(long epoch, StorageEngine engine, ReadFence fence) {
        LeaderTerm term = new LeaderTerm(epoch, engine, SETTINGS, new PeerClient(SECRET, Duration.ofSeconds(10)),
                () -> List.of(bNode.member()), higher -> { }, fence);
        terms.add(term);
        term.start();
        await().atMost(Duration.ofSeconds(20)).until(term::ready);
        return term;
    }

    private static ReadFence fence(StorageEngine engine) {
        ReadFence fence = new LogService(engine, Clock.systemUTC()).readFence();
        fence.enable();
        return fence;
    }

    @Test
    void aRecordReadersSawOnAnOlderEpochSurvivesTheThirdLeader() throws Exception {
        List<NewRecord> prefix = IntStream.range(0, 100).mapToObj(i -> NewRecord.string("p" + i, 1)).toList();
        for (StorageEngine e : List.of(a, b, c)) {
            e.append(KEY, 5, prefix);
        }
        a.append(KEY, 5, List.of(NewRecord.string("r", 1)));

        // C leads epoch 7: it fences B (its state), records its start, stores r' and dies before any push
        new PeerClient(SECRET, Duration.ofSeconds(10)).state(bNode.member().http(), "b", 7);
        c.startEpoch(KEY, 7, 100);
        c.append(KEY, 7, List.of(NewRecord.string("r'", 1)));

        ReadFence readersOfA = fence(a);
        LeaderTerm nine = lead(9, a, readersOfA);
        await().atMost(Duration.ofSeconds(20)).until(() -> readersOfA.committed(KEY) == 101);
        assertThat(a.read(KEY, 100).text()).as("what readers of A see at 100").isEqualTo("r");
        assertThat(b.epochs(KEY)).as("B recorded epoch 9's start from A's push")
                .containsExactly(new EpochStart(5, 0), new EpochStart(9, 101));
        nine.close(); // A dies

        lead(11, c, fence(c));

        assertThat(c.read(KEY, 100).text()).as("the new leader holds what readers saw").isEqualTo("r");
        assertThat(c.info(KEY).orElseThrow().nextOffset()).isEqualTo(101);
        assertThat(b.read(KEY, 100).text()).as("B kept it").isEqualTo("r");
        // the copy takes B's records with their epochs; epoch 9, which has none, is replaced by C's own start
        assertThat(c.epochs(KEY)).containsExactly(new EpochStart(5, 0), new EpochStart(11, 101));
    }
}
