package storelog.bench;

import java.util.Arrays;
import java.util.List;
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

/**
 * P1 and P2: single-record appends to one partition, records/s (one op = one acknowledged record).
 * P1: {@code -p fsync=never -t 1} against the raw append loop (append-ceiling.sh, none-buf).
 * P2: {@code -p fsync=always,never} with {@code -t 1}, {@code -t 16}, {@code -t 64} concurrent appenders.
 * Each iteration starts from an empty directory and lasts 250 ms, so it writes about as much as the
 * raw loop's one million records (well below the kernel's dirty-page limits, as the raw loop is):
 * longer iterations would measure the disk's writeback instead of the engine.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 5, time = 250, timeUnit = TimeUnit.MILLISECONDS)
@Measurement(iterations = 10, time = 250, timeUnit = TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgs = {"-Xms2g", "-Xmx2g"})
public class AppendBenchmark {

    @Param({"100", "1024"})
    int payloadBytes;

    @Param({"never"})
    String fsync;

    private TempStore store;
    private List<NewRecord> one;
    private final PartitionKey key = PartitionKey.of("bench");

    @Setup(Level.Iteration)
    public void open() {
        byte[] payload = new byte[payloadBytes];
        Arrays.fill(payload, (byte) 'x');
        one = List.of(NewRecord.bytes(payload, System.currentTimeMillis()));
        store = new TempStore(fsync);
    }

    @TearDown(Level.Iteration)
    public void close() {
        store.close();
    }

    @Benchmark
    public long append() {
        return store.engine().append(key, one);
    }
}
