package storelog.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
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
import storelog.api.spi.Leadership;
import storelog.api.spi.StorageEngine;
import storelog.testkit.TestData;

/**
 * A follower records where the leader's epoch starts ({@code epoch_start}) once a push brings its
 * log, checked against the leader's, to exactly there — and says so ({@code last_epoch}); never
 * before it holds everything below the start, never over a tail the leader does not have.
 */
class ReplicaEpochStartTest {

    private static final PartitionKey KEY = PartitionKey.of("events");

    private StorageEngine engine;
    private ReplicaLog replicas;

    @BeforeEach
    void setUp(TestInfo test) {
        Path dir = TestData.directory(test);
        engine = PluginRegistry.bootLayer().storageEngine("file").open(Settings.of(Map.of("DATA_DIR", dir.toString())));
        EpochFence fence = EpochFence.inMemory();
        replicas = new ReplicaLog(engine, new LogService(engine, Clock.systemUTC()), fence, EpochCheck.BOUNDS,
                ReplicaLogTest.view(() -> Leadership.Role.FOLLOWER, fence), Clock.systemUTC());
        engine.append(KEY, 5, records("p", 3));
    }

    @AfterEach
    void tearDown() {
        engine.close();
    }

    private static List<NewRecord> records(String prefix, int n) {
        return IntStream.range(0, n).mapToObj(i -> NewRecord.string(prefix + i, 1)).toList();
    }

    /** A push of leader epoch 9, whose epoch starts at 5, of {@code records} of epoch 5 at {@code offset}. */
    private ReplicaLog.Stored push(long offset, List<NewRecord> records) {
        return replicas.store(new ReplicaLog.Batch(KEY, offset, 9, 5, 5, 5, -1, 5, records));
    }

    @Test
    void aPushThatEndsAtTheStartRecordsIt() {
        ReplicaLog.Stored stored = push(3, records("r", 2));

        assertThat(stored).isEqualTo(new ReplicaLog.Stored(5, 9));
        assertThat(engine.epochs(KEY)).containsExactly(new EpochStart(5, 0), new EpochStart(9, 5));
    }

    @Test
    void aPushThatEndsBelowTheStartRecordsNothing() {
        ReplicaLog.Stored stored = push(3, records("r", 1));

        assertThat(stored).isEqualTo(new ReplicaLog.Stored(4, 5));
        assertThat(engine.epochs(KEY)).containsExactly(new EpochStart(5, 0));
    }

    /** An empty push at the start finds a tail the leader lacks: it is cut first, then the start recorded. */
    @Test
    void anEmptyPushAtTheStartCutsATailTheLeaderLacksThenRecordsIt() {
        push(3, records("r", 2));
        engine.truncate(KEY, 5); // as if it came back holding epoch 5 records only
        engine.appendAt(KEY, 5, 7, records("deposed", 2)); // and a deposed leader's tail beyond the start

        ReplicaLog.Stored stored = push(5, List.of());

        assertThat(stored).isEqualTo(new ReplicaLog.Stored(5, 9));
        assertThat(engine.epochs(KEY)).containsExactly(new EpochStart(5, 0), new EpochStart(9, 5));
        assertThat(engine.info(KEY).orElseThrow().nextOffset()).isEqualTo(5);
    }

    @Test
    void aRepeatedPushChangesNothingOnceTheEpochHasRecords() {
        push(3, records("r", 2));
        replicas.store(new ReplicaLog.Batch(KEY, 5, 9, 9, 5, 6, -1, 5, records("own", 1)));

        ReplicaLog.Stored stored = push(3, records("r", 2));

        assertThat(stored).isEqualTo(new ReplicaLog.Stored(6, 9));
        assertThat(engine.epochs(KEY)).containsExactly(new EpochStart(5, 0), new EpochStart(9, 5));
    }

    @Test
    void theWireFormatCarriesTheStart() {
        WireFormat.ReplicaBatch b = (WireFormat.ReplicaBatch) new WireFormat(WireFormat.DEFAULT_MAX_DEPTH).replicate(
                "{\"partition_key\":\"events\",\"offset\":3,\"epoch\":9,\"epoch_start\":5,\"records\":[]}"
                        .getBytes(StandardCharsets.UTF_8));
        WireFormat.ReplicaBatch without = (WireFormat.ReplicaBatch) new WireFormat(WireFormat.DEFAULT_MAX_DEPTH).replicate(
                "{\"partition_key\":\"events\",\"offset\":3,\"epoch\":9,\"records\":[]}".getBytes(StandardCharsets.UTF_8));

        assertThat(b.epochStart()).isEqualTo(5);
        assertThat(without.epochStart()).as("not given").isEqualTo(-1);
    }
}
