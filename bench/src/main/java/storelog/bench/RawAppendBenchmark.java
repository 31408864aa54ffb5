package storelog.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
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

/**
 * The P1 ceiling inside the same harness as {@link AppendBenchmark}: ../shared/bench/AppendCeiling's
 * {@code none-buf} loop (8-byte offset, 4-byte length, payload, packed into a 256 KiB direct buffer,
 * one write per full buffer, no fsync), with the same iterations, so the two are measured alike.
 * AppendCeiling itself writes a million records in well under 100 ms, which makes its figure swing
 * by a factor of 3 between runs here.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 5, time = 250, timeUnit = TimeUnit.MILLISECONDS)
@Measurement(iterations = 10, time = 250, timeUnit = TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgs = {"-Xms2g", "-Xmx2g"})
public class RawAppendBenchmark {

    @Param({"100", "1024"})
    int payloadBytes;

    private Path file;
    private FileChannel channel;
    private final ByteBuffer buffer = ByteBuffer.allocateDirect(256 * 1024);
    private byte[] body;
    private long offset;

    @Setup(Level.Iteration)
    public void open() throws IOException {
        Path work = Files.createDirectories(Path.of(System.getenv().getOrDefault("BENCH_WORK", "/tmp/storelog-bench")));
        file = Files.createTempFile(work, "raw-", ".log");
        channel = FileChannel.open(file, StandardOpenOption.WRITE);
        body = new byte[payloadBytes];
        for (int i = 0; i < payloadBytes; i++) {
            body[i] = (byte) ('a' + i % 26);
        }
        buffer.clear();
        offset = 0;
    }

    @TearDown(Level.Iteration)
    public void close() throws IOException {
        flush();
        channel.close();
        Files.delete(file);
    }

    private void flush() throws IOException {
        buffer.flip();
        while (buffer.hasRemaining()) {
            channel.write(buffer);
        }
        buffer.clear();
    }

    @Benchmark
    public long append() throws IOException {
        if (buffer.remaining() < 12 + body.length) {
            flush();
        }
        buffer.putLong(offset).putInt(body.length).put(body);
        return offset++;
    }
}
