package storelog.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import storelog.api.NewRecord;
import storelog.api.PartitionKey;
import storelog.api.Record;

/**
 * Hot reads of one small partition, records/s: {@code records} records of 100 bytes (125-byte frames:
 * 1 is a 141-byte store, 8 a 1016-byte one, 32 a 4 KiB one, 128 a 16 KiB one), read at the last offset ({@code lastRead},
 * the farthest a walk of the store goes) or a random one. The store's size decides whether a read
 * walks the frames or reads the index (the engine's {@code StoreWalk.WALK_BOUND}): the figures on both
 * sides of it chose the bound.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgs = {"-Xms1g", "-Xmx1g"})
public class SmallSegmentReadBenchmark {

    @Param({"1", "8", "16", "32", "128"})
    int records;

    private TempStore store;
    private final PartitionKey key = PartitionKey.of("small");

    @Setup(Level.Trial)
    public void fill() {
        store = new TempStore("never");
        byte[] payload = new byte[100];
        Arrays.fill(payload, (byte) 'x');
        List<NewRecord> batch = new ArrayList<>();
        for (int i = 0; i < records; i++) {
            batch.add(NewRecord.bytes(payload, i));
        }
        store.engine().append(key, batch);
        store.reopen("never");
    }

    @TearDown(Level.Trial)
    public void close() {
        store.close();
    }

    @Benchmark
    public Record lastRead() {
        return store.engine().read(key, records - 1);
    }

    @Benchmark
    public Record randomRead() {
        return store.engine().read(key, ThreadLocalRandom.current().nextInt(records));
    }
}
