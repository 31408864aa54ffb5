package storelog.bench;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import storelog.api.NewRecord;
import storelog.core.WireFormat;

/**
 * The CPU of one {@code POST /publish} body before the engine (issue 11 item 4): the wire format's parse and
 * the record's construction (its type check), for bench/lua/publish100.lua's body. {@code path=plain} is that
 * body; {@code path=parser} is the same body after a UTF-8 byte order mark, which the parser skips and the
 * plain reading leaves to the parser: the same record through Jackson.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgs = {"-Xms1g", "-Xmx1g"})
public class PublishBodyBenchmark {

    @Param({"plain", "parser"})
    public String path;

    private final WireFormat wire = new WireFormat(WireFormat.DEFAULT_MAX_DEPTH);
    private byte[] body;

    @Setup
    public void setUp() {
        String json = "{\"data\":\"" + "x".repeat(98) + "\",\"data_type\":0,\"partition_key\":\"p\"}";
        body = ((path.equals("parser") ? "\uFEFF" : "") + json).getBytes(StandardCharsets.UTF_8);
    }

    @Benchmark
    public NewRecord publishBody() {
        WireFormat.PublishMessage message = wire.publish(body);
        return new NewRecord(message.payload().type(), message.payload().bytes(), 1L);
    }
}
