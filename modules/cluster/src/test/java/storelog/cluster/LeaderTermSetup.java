package storelog.cluster;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.function.LongConsumer;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import storelog.api.NewRecord;
import storelog.api.PartitionKey;
import storelog.api.Settings;
import storelog.api.spi.Member;
import storelog.api.spi.StorageEngine;
import storelog.core.LogService;
import storelog.core.PluginRegistry;
import storelog.core.ReadFence;
import storelog.testkit.TestData;

/**
 * What the tests of a leader's term against one stub follower share, as an extension
 * ({@code @RegisterExtension}): before each test a file engine in the test's folder and the stub
 * follower "b" (real HTTP on loopback); after it, the term under test (the last one started), b and
 * the engine are closed.
 */
final class LeaderTermSetup implements BeforeEachCallback, AfterEachCallback {

    static final PartitionKey KEY = PartitionKey.of("events");
    static final String SECRET = "s3cret";
    /** b's state answer while it holds nothing. */
    static final String B_EMPTY = "{\"node_id\":\"b\",\"partitions\":{}}";

    StorageEngine engine;
    StubFollower b;
    private LeaderTerm term;

    @Override
    public void beforeEach(ExtensionContext context) {
        String dir = TestData.directory(context.getRequiredTestClass(), context.getRequiredTestMethod().getName()).toString();
        engine = PluginRegistry.bootLayer().storageEngine("file").open(Settings.of(Map.of("DATA_DIR", dir)));
        b = new StubFollower();
        term = null;
    }

    /**
     * The leader holds records r0 and r1 of epoch 5; b's records from offset 2 are one more,
     * "acked" (one the old leader acknowledged with b as the second node).
     */
    void twoRecordsHereAndAThirdOnB() {
        engine.append(KEY, 5, List.of(NewRecord.string("r0", 1), NewRecord.string("r1", 1)));
        String data = Base64.getEncoder().encodeToString("acked".getBytes(StandardCharsets.UTF_8));
        b.records = n -> new StubFollower.Answer(200, "{\"records\":[{\"offset\":2,\"data\":\"" + data
                + "\",\"data_type\":2,\"timestamp\":1}],\"next_offset\":3,\"epochs\":[[5,0]]}");
    }

    /** {@code MIN_INSYNC=2}, a 10 s request timeout, 4 requests in flight; {@code ACKS=all} or {@code leader}. */
    static ReplicationSettings settings(boolean acksAll, Duration catchUpGrace) {
        return new ReplicationSettings(acksAll, 2, catchUpGrace, Duration.ofSeconds(10), SECRET, 4);
    }

    /** A read fence of a log service over the engine. */
    ReadFence newFence() {
        return new LogService(engine, Clock.systemUTC()).readFence();
    }

    /** b as the only other member. */
    List<Member> onlyB() {
        return List.of(b.member("b"));
    }

    /** Starts a term of {@code epoch} with b as the only follower, its own read fence, and no higher epoch seen. */
    /**
     * Appends records "r{from}".."r{from + count - 1}" to {@code key}, of epoch 5 before a term started
     * ({@code term} null), of the term's epoch after, and tells the term, as the log service does.
     */
    void append(LeaderTerm term, PartitionKey key, int from, int count) {
        engine.append(key, term == null ? 5 : term.epoch(),
                java.util.stream.IntStream.range(from, from + count).mapToObj(i -> NewRecord.string("r" + i, 1)).toList());
        if (term != null) {
            term.appended(key);
        }
    }

    LeaderTerm start(long epoch, ReplicationSettings settings, Duration peerTimeout) {
        return start(epoch, settings, peerTimeout, this::onlyB, higher -> { }, newFence(), () -> epoch);
    }

    /** Starts a term; the last one started is closed after the test. */
    LeaderTerm start(long epoch, ReplicationSettings settings, Duration peerTimeout, Supplier<List<Member>> followers,
                     LongConsumer epochSeen, ReadFence fence, LongSupplier highestEpoch) {
        term = new LeaderTerm(epoch, engine, settings, new PeerClient(SECRET, peerTimeout), followers, epochSeen, fence, highestEpoch);
        term.start();
        return term;
    }

    @Override
    public void afterEach(ExtensionContext context) {
        if (term != null) {
            term.close();
        }
        b.close();
        engine.close();
    }
}
