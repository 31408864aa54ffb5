package storelog.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.LongAdder;
import storelog.api.NewRecord;
import storelog.api.PartitionKey;
import storelog.api.spi.StorageEngine;

/**
 * P2 against its physical bound (issue 11 item 3): N synchronous appenders of 100 B records on
 * {@code P} partitions, each a virtual thread (as the HTTP server calls the engine), with
 * {@code FSYNC=always}; the bound, measured in the same run, is {@code min(N × raw fsync-per-record
 * rate, FSYNC=never rate of the same N appenders)}: an appender waits for at least one fsync per
 * record, and cannot go faster than without any. Prints one {@code RESULT} line per figure with the
 * engine's fsyncs/s and records per fsync next to it, and ({@code kind=p2-grouped}) the bound a
 * group commit with one file per partition can reach: P raw loops at once, each writing N/P records
 * per fdatasync of its own file, and ({@code kind=p2-vt-bound}) the smallest group commit whose N
 * appenders are virtual threads waiting for their fsync ({@link VirtualGroupCommitBound}).
 *
 * <p>Not JMH: the figure needs the engine's fsync counter over the same window and the appenders on
 * virtual threads, which JMH's worker threads are not.
 *
 * <pre>java -cp benchmarks.jar storelog.bench.GroupCommitBench [partitions,..] [appenders,..] [seconds] [rounds] [virtual|platform]</pre>
 */
public final class GroupCommitBench {

    private static final int PAYLOAD = 100;

    private GroupCommitBench() {
    }

    public static void main(String[] args) throws Exception {
        int[] partitions = ints(args.length > 0 ? args[0] : "1,16");
        int[] appenders = ints(args.length > 1 ? args[1] : "1,16,64,256");
        double seconds = args.length > 2 ? Double.parseDouble(args[2]) : 2;
        int rounds = args.length > 3 ? Integer.parseInt(args[3]) : 3;
        boolean virtual = args.length <= 4 || args[4].equals("virtual");
        System.out.printf(Locale.ROOT, "# %s appenders, %.1f s per figure, %d rounds, java %s%n",
                virtual ? "virtual-thread" : "platform-thread", seconds, rounds, System.getProperty("java.version"));
        run("always", 64, 16, 1.5, virtual); // warms the JIT on both paths before anything counts
        run("never", 64, 16, 1.5, virtual);
        for (int round = 1; round <= rounds; round++) {
            double raw = rawFsyncPerRecord(seconds);
            System.out.printf(Locale.ROOT, "RESULT round=%d kind=raw-fsync-per-record rec_s=%.0f%n", round, raw);
            for (int p : partitions) {
                for (int n : appenders) {
                    Figure never = run("never", n, p, seconds, virtual);
                    Figure always = run("always", n, p, seconds, virtual);
                    double bound = Math.min(n * raw, never.recordsPerSecond());
                    System.out.printf(Locale.ROOT, "RESULT round=%d kind=p2 partitions=%d appenders=%d always_rec_s=%.0f"
                                    + " never_rec_s=%.0f raw_bound_rec_s=%.0f bound_rec_s=%.0f ratio=%.3f fsyncs_s=%.0f"
                                    + " rec_per_fsync=%.1f%n", round, p, n, always.recordsPerSecond(),
                            never.recordsPerSecond(), n * raw, bound, always.recordsPerSecond() / bound,
                            always.fsyncsPerSecond(), always.records / Math.max(1.0, always.fsyncs));
                    if (n > p) {
                        // the bound group commit can reach with one file per partition: p raw loops in parallel,
                        // each on its own file writing n/p records per fsync
                        int perFsync = n / p;
                        double grouped = rawFsync(seconds, perFsync, p);
                        System.out.printf(Locale.ROOT, "RESULT round=%d kind=p2-grouped partitions=%d appenders=%d"
                                        + " raw_grouped_rec_s=%.0f raw_grouped_fsyncs_s=%.0f ratio_grouped=%.3f%n", round, p, n, grouped,
                                grouped / perFsync, always.recordsPerSecond() / Math.min(grouped, never.recordsPerSecond()));
                    }
                    if (virtual && n > 1) {
                        // the smallest group commit whose appenders are virtual threads waiting for their fsync
                        double[] vt = VirtualGroupCommitBound.run(n, p, seconds, true);
                        System.out.printf(Locale.ROOT, "RESULT round=%d kind=p2-vt-bound partitions=%d appenders=%d"
                                        + " vt_bound_rec_s=%.0f vt_bound_fsyncs_s=%.0f ratio_vt=%.3f%n", round, p, n, vt[0], vt[1],
                                always.recordsPerSecond() / Math.min(vt[0], never.recordsPerSecond()));
                    }
                }
            }
        }
    }

    private record Figure(long records, long fsyncs, double seconds) {
        double recordsPerSecond() {
            return records / seconds;
        }

        double fsyncsPerSecond() {
            return fsyncs / seconds;
        }
    }

    /** {@code n} appenders on {@code p} partitions of a fresh engine: a quarter of the time to settle, then the window. */
    private static Figure run(String fsync, int n, int p, double seconds, boolean virtual) throws InterruptedException {
        try (TempStore store = new TempStore(fsync)) {
            StorageEngine engine = store.engine();
            List<NewRecord> one = List.of(NewRecord.bytes(payload(), System.currentTimeMillis()));
            LongAdder appended = new LongAdder();
            List<Thread> threads = new ArrayList<>();
            Stop stop = new Stop();
            for (int i = 0; i < n; i++) {
                PartitionKey key = PartitionKey.of("p" + (i % p));
                Runnable loop = () -> {
                    while (!stop.now) {
                        engine.append(key, one);
                        appended.increment();
                    }
                };
                threads.add(virtual ? Thread.ofVirtual().start(loop) : Thread.ofPlatform().start(loop));
            }
            Thread.sleep((long) (seconds * 250));
            long records0 = appended.sum();
            long fsyncs0 = fsyncs(engine);
            long t0 = System.nanoTime();
            Thread.sleep((long) (seconds * 1000));
            long records1 = appended.sum();
            long fsyncs1 = fsyncs(engine);
            long t1 = System.nanoTime();
            stop.now = true;
            for (Thread t : threads) {
                t.join();
            }
            return new Figure(records1 - records0, fsyncs1 - fsyncs0, (t1 - t0) / 1e9);
        }
    }

    private static final class Stop {
        volatile boolean now;
    }

    private static long fsyncs(StorageEngine engine) {
        return engine.metrics().getOrDefault("fsyncs_total", 0L);
    }

    /**
     * The raw loop of {@code append-ceiling.sh force-each} on the same disk: one write of a 112-byte
     * record (8 B offset, 4 B length, 100 B payload) and one fdatasync per record, for {@code seconds}.
     */
    static double rawFsyncPerRecord(double seconds) throws IOException {
        return rawFsync(seconds, 1);
    }

    /**
     * {@code files} loops of {@link #rawFsync(double, int)} at once, each on its own file and platform
     * thread (as the engine's sync threads fsync one partition's file each); returns their records/s summed.
     */
    static double rawFsync(double seconds, int perFsync, int files) throws IOException, InterruptedException {
        if (files == 1) {
            return rawFsync(seconds, perFsync);
        }
        double[] rates = new double[files];
        IOException[] failure = new IOException[1];
        List<Thread> loops = new ArrayList<>();
        for (int i = 0; i < files; i++) {
            int slot = i;
            loops.add(Thread.ofPlatform().start(() -> {
                try {
                    rates[slot] = rawFsync(seconds, perFsync);
                } catch (IOException e) {
                    failure[0] = e;
                }
            }));
        }
        for (Thread loop : loops) {
            loop.join();
        }
        if (failure[0] != null) {
            throw failure[0];
        }
        return Arrays.stream(rates).sum();
    }

    /** The same loop writing {@code perFsync} records (one write) per fdatasync; returns records/s. */
    static double rawFsync(double seconds, int perFsync) throws IOException {
        Path work = Path.of(System.getenv().getOrDefault("BENCH_WORK", "/tmp/storelog-bench"));
        Files.createDirectories(work);
        Path file = Files.createTempFile(work, "raw-fsync-", ".log");
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ByteBuffer rec = ByteBuffer.allocateDirect((12 + PAYLOAD) * perFsync);
            byte[] body = payload();
            long end = System.nanoTime() + (long) (seconds * 1e9);
            long t0 = System.nanoTime();
            long n = 0;
            for (long pos = 0; System.nanoTime() < end; ) {
                rec.clear();
                for (int i = 0; i < perFsync; i++, n++) {
                    rec.putLong(n).putInt(PAYLOAD).put(body);
                }
                rec.flip();
                while (rec.hasRemaining()) {
                    pos += ch.write(rec, pos);
                }
                ch.force(false);
            }
            return n / ((System.nanoTime() - t0) / 1e9);
        } finally {
            Files.deleteIfExists(file);
        }
    }

    private static byte[] payload() {
        byte[] b = new byte[PAYLOAD];
        Arrays.fill(b, (byte) 'x');
        return b;
    }

    private static int[] ints(String csv) {
        return Arrays.stream(csv.split(",")).mapToInt(Integer::parseInt).toArray();
    }
}
