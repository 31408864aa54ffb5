package storelog.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import storelog.api.EpochStart;
import storelog.api.NewRecord;
import storelog.api.OffsetMismatchException;
import storelog.api.PartitionKey;
import storelog.api.Record;
import storelog.api.Settings;
import storelog.api.StaleEpochException;
import storelog.api.spi.ForwardingStorageEngine;
import storelog.api.spi.Leadership;
import storelog.api.spi.Member;
import storelog.api.spi.StorageEngine;
import storelog.testkit.TestData;

/** The follower's rules for what a leader sends: fencing, position, log matching, divergent tails. */
class ReplicaLogTest {

    private static final PartitionKey KEY = PartitionKey.of("events");

    private StorageEngine engine;
    private LogService log;
    private EpochFence fence;
    private volatile Leadership.Role role = Leadership.Role.FOLLOWER;
    private ReplicaLog replicas;

    @BeforeEach
    void setUp(TestInfo test) {
        Path dir = TestData.directory(test);
        engine = PluginRegistry.bootLayer().storageEngine("file").open(Settings.of(Map.of("DATA_DIR", dir.toString())));
        log = new LogService(engine, Clock.systemUTC());
        fence = EpochFence.inMemory();
        replicas = new ReplicaLog(engine, log, fence, EpochCheck.BOUNDS, view(), Clock.systemUTC());
    }

    @AfterEach
    void tearDown() {
        engine.close();
    }

    private ClusterView view() {
        return view(() -> role, fence);
    }

    /** A clustered node in {@code role}, whose leadership's epoch is the highest {@code fence} holds. */
    static ClusterView view(java.util.function.Supplier<Leadership.Role> role, EpochFence fence) {
        return new ClusterView() {
            @Override
            public boolean clustered() {
                return true;
            }

            @Override
            public String nodeId() {
                return "follower";
            }

            @Override
            public Leadership leadership() {
                return new Leadership(role.get(), Optional.of("leader"), fence.highest());
            }

            @Override
            public Optional<String> leaderHttp() {
                return Optional.of("leader:1");
            }

            @Override
            public String elector() {
                return "test";
            }

            @Override
            public List<Member> members() {
                return List.of();
            }

            @Override
            public List<GapObservation> gaps() {
                return List.of();
            }
        };
    }

    private static List<NewRecord> records(String prefix, int n) {
        return IntStream.range(0, n).mapToObj(i -> NewRecord.string(prefix + i, 1)).toList();
    }

    private long send(PartitionKey p, long offset, long epoch, long recordEpoch, long prevEpoch, List<NewRecord> records) {
        return replicas.replicate(new ReplicaLog.Batch(p, offset, epoch, recordEpoch, prevEpoch, -1, records));
    }

    private List<String> texts(PartitionKey p) {
        return engine.read(p, 0, 1000, Long.MAX_VALUE).stream().map(Record::text).toList();
    }

    @Test
    void recordsAreStoredAtTheLeadersOffsetsWithTheLeadersEpochs() {
        assertThat(send(KEY, 0, 3, 2, -1, records("a", 3))).isEqualTo(3);
        assertThat(send(KEY, 3, 3, 3, 2, records("b", 2))).isEqualTo(5);

        assertThat(texts(KEY)).containsExactly("a0", "a1", "a2", "b0", "b1");
        assertThat(engine.epochs(KEY)).containsExactly(new EpochStart(2, 0), new EpochStart(3, 3));
        assertThat(fence.highest()).isEqualTo(3);
    }

    @Test
    void aBatchSentTwiceIsStoredOnce() {
        send(KEY, 0, 3, 3, -1, records("a", 3));
        assertThat(send(KEY, 0, 3, 3, -1, records("a", 3))).isEqualTo(3);
        assertThat(send(KEY, 1, 3, 3, 3, records("x", 4))).as("overlapping: the new tail only").isEqualTo(5);

        assertThat(texts(KEY)).containsExactly("a0", "a1", "a2", "x2", "x3");
    }

    @Test
    void anOffsetPastTheEndIsRefusedNamingThisNodesEnd() {
        send(KEY, 0, 3, 3, -1, records("a", 2));

        assertThatThrownBy(() -> send(KEY, 5, 3, 3, 3, records("b", 1)))
                .isInstanceOfSatisfying(OffsetMismatchException.class, e -> assertThat(e.nextOffset()).isEqualTo(2));
        assertThat(texts(KEY)).hasSize(2);
    }

    @Test
    void aDeposedLeaderIsFencedAndStoresNothing() {
        send(KEY, 0, 5, 5, -1, records("a", 2));

        assertThatThrownBy(() -> send(KEY, 2, 4, 4, 5, records("old", 1)))
                .isInstanceOfSatisfying(StaleEpochException.class, e -> assertThat(e.highest()).isEqualTo(5));
        assertThat(texts(KEY)).containsExactly("a0", "a1");
    }

    @ParameterizedTest
    @ValueSource(longs = {Long.MAX_VALUE, EpochCheck.MAX_EPOCH + 1, -1, Long.MIN_VALUE})
    void anAbsurdEpochIsRefusedAndFencesNobody(long epoch) {
        assertThatThrownBy(() -> send(KEY, 0, epoch, 1, -1, records("a", 1)))
                .isInstanceOfSatisfying(BadRequestException.class, e -> assertThat(e.code()).isEqualTo("invalid_epoch"));
        assertThat(fence.highest()).isZero();
        assertThat(send(KEY, 0, 3, 3, -1, records("a", 1))).as("the real leader still replicates").isEqualTo(1);
    }

    /**
     * Records of an epoch above their sender's would stamp the partition with an epoch no leader has
     * yet: every real leader below it would then be refused there as stale (and the node fenced
     * with it), as if a forged epoch had been believed.
     */
    @Test
    void recordsOfAnEpochAboveTheSendersAreRefusedAndFenceNobody() {
        assertThatThrownBy(() -> send(KEY, 0, 3, 900, -1, records("a", 1)))
                .isInstanceOfSatisfying(BadRequestException.class, e -> assertThat(e.code()).isEqualTo("invalid_epoch"));

        assertThat(engine.info(KEY)).isEmpty();
        assertThat(send(KEY, 0, 4, 4, -1, records("a", 1))).as("the real epoch-4 leader still replicates").isEqualTo(1);
    }

    @Test
    void theEpochCheckIsAskedWithTheHighestEpochSeenBeforeTheEpochIsRemembered() {
        List<long[]> asked = new ArrayList<>();
        ReplicaLog checked = new ReplicaLog(engine, log, fence, (epoch, highest) -> {
            asked.add(new long[] {epoch, highest});
            if (epoch > 10) {
                throw new BadRequestException("invalid_epoch", "not known to the elector");
            }
        }, view(), Clock.systemUTC());
        checked.replicate(new ReplicaLog.Batch(KEY, 0, 7, 7, -1, -1, records("a", 1)));
        assertThatThrownBy(() -> checked.replicate(new ReplicaLog.Batch(KEY, 1, 11, 11, 7, -1, records("b", 1))))
                .hasMessageContaining("elector");
        assertThat(asked).containsExactly(new long[] {7, 0}, new long[] {11, 7});
        assertThat(fence.highest()).isEqualTo(7);
    }

    @Test
    void aRecordBeforeTheOffsetOfAnotherEpochIsALogMismatchNamingThisNodesEpochThere() {
        send(KEY, 0, 4, 2, -1, records("a", 3));
        send(KEY, 3, 4, 4, 2, records("b", 2)); // epoch 4 from offset 3

        assertThatThrownBy(() -> send(KEY, 5, 6, 6, 5, records("c", 1)))
                .isInstanceOfSatisfying(LogMismatchException.class, e -> {
                    assertThat(e.epoch()).isEqualTo(4);
                    assertThat(e.epochStart()).isEqualTo(3);
                    assertThat(e.nextOffset()).isEqualTo(5);
                });
        assertThat(texts(KEY)).hasSize(5);
    }

    @Test
    void aDivergentTailIsCutWhereTheLeadersRecordsOfAnotherEpochBeginAndIsReported() {
        send(KEY, 0, 2, 2, -1, records("a", 3));
        send(KEY, 3, 2, 2, 2, records("old", 4)); // a deposed epoch-2 leader's tail: offsets 3..6

        long next = send(KEY, 3, 5, 5, 2, records("new", 2)); // the epoch-5 leader has other records from 3

        assertThat(next).isEqualTo(5);
        assertThat(texts(KEY)).containsExactly("a0", "a1", "a2", "new0", "new1");
        assertThat(engine.epochs(KEY)).containsExactly(new EpochStart(2, 0), new EpochStart(5, 3));
        assertThat(replicas.truncations()).singleElement().satisfies(t -> {
            assertThat(t.partition()).isEqualTo(KEY);
            assertThat(t.from()).isEqualTo(3);
            assertThat(t.count()).isEqualTo(4);
        });
        assertThat(replicas.truncatedRecords()).isEqualTo(4);
    }

    @Test
    void anEmptyBatchAtTheLeadersEndCutsWhatTheLeaderDoesNotHaveButNotWhatItSentSince() {
        send(KEY, 0, 2, 2, -1, records("a", 2));
        send(KEY, 2, 2, 2, 2, records("old", 3));

        assertThat(send(KEY, 2, 5, 5, 2, List.of())).as("the probe of the epoch-5 leader, whose log ends at 2").isEqualTo(2);
        assertThat(send(KEY, 2, 5, 5, 2, records("new", 2))).isEqualTo(4);
        assertThat(send(KEY, 2, 5, 5, 2, List.of())).as("the same probe, delayed: records of epoch 5 are there now").isEqualTo(4);

        assertThat(texts(KEY)).containsExactly("a0", "a1", "new0", "new1");
    }

    @Test
    void aLeaderRefusesReplicationButIsFencedByAHigherEpochFirst() {
        role = Leadership.Role.LEADER;

        assertThatThrownBy(() -> send(KEY, 0, 9, 9, -1, records("a", 1))).isInstanceOf(NotAFollowerException.class);

        assertThat(fence.highest()).as("the node knows now that a later leader exists").isEqualTo(9);
        assertThat(engine.info(KEY)).isEmpty();
    }

    @Test
    void internalPartitionsReplicateFromTheLeader() {
        PartitionKey gaps = PartitionKey.of("__gaps");

        assertThat(send(gaps, 0, 3, 3, -1, records("g", 2))).isEqualTo(2);
        assertThat(texts(gaps)).containsExactly("g0", "g1");
    }

    @Test
    void theStateFencesAndTellsEveryPartitionsEndAndEpochs() {
        send(KEY, 0, 3, 3, -1, records("a", 2));

        Map<PartitionKey, ReplicaLog.PartitionState> state = replicas.state(8);

        assertThat(fence.highest()).isEqualTo(8);
        assertThat(state).containsOnlyKeys(KEY);
        assertThat(state.get(KEY).nextOffset()).isEqualTo(2);
        assertThat(state.get(KEY).epochs()).containsExactly(new EpochStart(3, 0));
        assertThatThrownBy(() -> replicas.state(7)).isInstanceOf(StaleEpochException.class);
    }

    /**
     * A new leader's catch-up relies on the state it asks (which fences) holding everything this node
     * ever answered 200 for: a push of the old leader that passed the fence before the state was asked
     * but stored its records after must not be answered 200, or the old leader counts a record the new
     * leader never saw — acknowledged, then cut as divergent.
     */
    @Test
    void aPushStoredAfterANewerLeaderAskedTheStateIsNotAnsweredAsStored() {
        send(KEY, 0, 5, 5, -1, records("a", 2));
        List<Map<PartitionKey, ReplicaLog.PartitionState>> asked = new ArrayList<>();
        StorageEngine racing = new ForwardingStorageEngine(engine) {
            @Override
            public long appendAt(PartitionKey partition, long expectedOffset, long epoch, List<NewRecord> records) {
                if (asked.isEmpty()) {
                    asked.add(replicas.state(6)); // the epoch-6 leader asks while the push is under way
                }
                return super.appendAt(partition, expectedOffset, epoch, records);
            }
        };
        ReplicaLog follower = new ReplicaLog(racing, log, fence, EpochCheck.BOUNDS, view(), Clock.systemUTC());

        Throwable outcome = catchThrowable(() -> follower.replicate(new ReplicaLog.Batch(KEY, 2, 5, 5, 5, -1, records("r", 1))));

        assertThat(asked.getFirst().get(KEY).nextOffset()).as("what the new leader was told").isEqualTo(2);
        assertThat(outcome).as("the old leader must not hear that its record is stored")
                .isInstanceOf(StaleEpochException.class);
    }

    @Test
    void lagIsWhatTheLeaderSaidItHoldsMinusWhatIsHere() {
        replicas.replicate(new ReplicaLog.Batch(KEY, 0, 3, 3, -1, 10, records("a", 4)));

        assertThat(replicas.lagRecords()).isEqualTo(6);

        replicas.replicate(new ReplicaLog.Batch(KEY, 4, 3, 3, 3, 10, records("b", 6)));
        assertThat(replicas.lagRecords()).isZero();
        assertThat(replicas.lagMillis()).isZero();
    }
}
