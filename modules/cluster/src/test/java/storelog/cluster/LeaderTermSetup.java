package storelog.cluster;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.LongConsumer;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.junit.jupiter.api.TestInfo;
import storelog.api.PartitionKey;
import storelog.api.Settings;
import storelog.api.spi.Member;
import storelog.api.spi.StorageEngine;
import storelog.core.LogService;
import storelog.core.PluginRegistry;
import storelog.core.ReadFence;
import storelog.testkit.TestData;

/**
 * What the tests of a leader's term against one stub follower share: a file engine in the test's
 * folder, the stub follower "b" (real HTTP on loopback) and the term under test, which
 * {@link #close()} closes with them.
 */
final class LeaderTermSetup implements AutoCloseable {

    static final PartitionKey KEY = PartitionKey.of("events");
    static final String SECRET = "s3cret";
    /** b's state answer while it holds nothing. */
    static final String B_EMPTY = "{\"node_id\":\"b\",\"partitions\":{}}";

    final StorageEngine engine;
    final StubFollower b = new StubFollower();
    private LeaderTerm term;

    LeaderTermSetup(TestInfo test) {
        engine = PluginRegistry.bootLayer().storageEngine("file").open(Settings.of(Map.of("DATA_DIR", TestData.directory(test).toString())));
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
    LeaderTerm start(long epoch, ReplicationSettings settings, Duration peerTimeout) {
        return start(epoch, settings, peerTimeout, this::onlyB, higher -> { }, newFence(), () -> epoch);
    }

    /** Starts a term; {@link #close()} closes the last one started. */
    LeaderTerm start(long epoch, ReplicationSettings settings, Duration peerTimeout, Supplier<List<Member>> followers,
                     LongConsumer epochSeen, ReadFence fence, LongSupplier highestEpoch) {
        term = new LeaderTerm(epoch, engine, settings, new PeerClient(SECRET, peerTimeout), followers, epochSeen, fence, highestEpoch);
        term.start();
        return term;
    }

    @Override
    public void close() {
        if (term != null) {
            term.close();
        }
        b.close();
        engine.close();
    }
}
