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
import org.openjdk.jmh.annotations.OperationsPerInvocation;
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
 * Reads from a partition of 1M records (page cache warm), records/s: {@code randomRead} one record
 * at a random offset per op (against the raw loop's random pread); {@code rangeRead} 100
 * consecutive records from a random offset per op (counted as 100 records).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgs = {"-Xms2g", "-Xmx2g"})
public class ReadBenchmark {

    static final int RECORDS = 1_000_000;
    static final int RANGE = 100;

    @Param({"100"})
    int payloadBytes;

    private TempStore store;
    private final PartitionKey key = PartitionKey.of("bench");

    @Setup(Level.Trial)
    public void fill() {
        store = new TempStore("never");
        byte[] payload = new byte[payloadBytes];
        Arrays.fill(payload, (byte) 'x');
        List<NewRecord> batch = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            batch.add(NewRecord.bytes(payload, i));
        }
        for (int i = 0; i < RECORDS / batch.size(); i++) {
            store.engine().append(key, batch);
        }
        store.reopen("never");
    }

    @TearDown(Level.Trial)
    public void close() {
        store.close();
    }

    @Benchmark
    public Record randomRead() {
        return store.engine().read(key, ThreadLocalRandom.current().nextInt(RECORDS));
    }

    @Benchmark
    @OperationsPerInvocation(RANGE)
    public List<Record> rangeRead() {
        return store.engine().read(key, ThreadLocalRandom.current().nextInt(RECORDS - RANGE), RANGE, Long.MAX_VALUE);
    }
}
