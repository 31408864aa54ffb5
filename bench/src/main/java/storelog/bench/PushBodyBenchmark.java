package storelog.bench;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import storelog.api.DataType;
import storelog.api.PartitionKey;
import storelog.api.Record;
import storelog.core.ReplicaPush;
import storelog.core.ReplicateFrame;
import storelog.core.WireFormat;

/**
 * The CPU of one {@code /replicate} push body per record (issue 9): the leader's encode and the
 * follower's decode, JSON against {@link ReplicateFrame}, for a push of {@value #RECORDS} records of
 * {@code payloadBytes} bytes ({@code type}: JSON records are checked as JSON on decode, in both bodies).
 * Average time per record (each op is one push of {@value #RECORDS} records).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgs = {"-Xms1g", "-Xmx1g"})
public class PushBodyBenchmark {

    static final int RECORDS = 100;

    @Param({"100"})
    int payloadBytes;

    @Param({"JSON", "BYTES"})
    DataType type;

    private final WireFormat wire = new WireFormat(WireFormat.DEFAULT_MAX_DEPTH);
    private ReplicaPush push;
    private byte[] json;
    private byte[] binary;

    @Setup
    public void build() {
        PartitionKey partition = PartitionKey.of("bench");
        List<Record> records = new ArrayList<>(RECORDS);
        for (int i = 0; i < RECORDS; i++) {
            records.add(new Record(partition, 1000 + i, type, payload(i), 1_764_806_400_000L + i));
        }
        push = new ReplicaPush(partition, 1000, 3, 3, 3, 1100, 1000, 0, records);
        json = WireFormat.replicateJson(push);
        binary = ReplicateFrame.encode(push);
    }

    /** {@code payloadBytes} bytes: a JSON object padded with a string for JSON records, bytes of every value otherwise. */
    private byte[] payload(int i) {
        if (type == DataType.JSON) {
            String head = "{\"i\":" + i + ",\"pad\":\"";
            return (head + "x".repeat(Math.max(0, payloadBytes - head.length() - 2)) + "\"}").getBytes(StandardCharsets.UTF_8);
        }
        byte[] bytes = new byte[payloadBytes];
        for (int b = 0; b < bytes.length; b++) {
            bytes[b] = (byte) (b * 31 + i);
        }
        return bytes;
    }

    @Benchmark
    @OperationsPerInvocation(RECORDS)
    public byte[] encodeJson() {
        return WireFormat.replicateJson(push);
    }

    @Benchmark
    @OperationsPerInvocation(RECORDS)
    public byte[] encodeBinary() {
        return ReplicateFrame.encode(push);
    }

    @Benchmark
    @OperationsPerInvocation(RECORDS)
    public Object decodeJson() {
        return wire.replicate(json);
    }

    @Benchmark
    @OperationsPerInvocation(RECORDS)
    public Object decodeBinary() {
        return wire.replicateFrame(binary);
    }
}
