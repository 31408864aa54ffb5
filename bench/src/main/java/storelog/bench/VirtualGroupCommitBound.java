package storelog.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.LongAdder;

/**
 * A reference for P2 as the issue defines its appenders (issue 11 item 3): N virtual threads, each
 * appending 100-byte records and waiting for each one's fsync, as the HTTP server calls the engine, over
 * a {@link MinimalGroupCommit} per partition instead of the engine. It shows what parking and waking N
 * virtual threads per fsync costs on this machine; without the fsync ({@code noforce}) the cycle of
 * waits and wake-ups alone.
 *
 * <pre>java -cp benchmarks.jar storelog.bench.VirtualGroupCommitBound appenders files seconds force|noforce</pre>
 */
public final class VirtualGroupCommitBound {

    private VirtualGroupCommitBound() {
    }

    public static void main(String[] args) throws Exception {
        int n = Integer.parseInt(args[0]);
        int files = Integer.parseInt(args[1]);
        boolean force = !args[3].equals("noforce");
        run(n, files, 1, force); // warms the JIT
        double[] r = run(n, files, Double.parseDouble(args[2]), force);
        System.out.printf(Locale.ROOT, "RESULT kind=vt-bound appenders=%d files=%d force=%s rec_s=%.0f fsyncs_s=%.0f%n",
                n, files, force, r[0], r[1]);
    }

    /** {@code n} appenders over {@code files} files for {@code seconds} (after a quarter to settle): records/s and fsyncs/s. */
    static double[] run(int n, int files, double seconds, boolean force) throws IOException, InterruptedException {
        Path work = Path.of(System.getenv().getOrDefault("BENCH_WORK", "/tmp/storelog-bench"));
        byte[] payload = new byte[100];
        Arrays.fill(payload, (byte) 'x');
        List<MinimalGroupCommit> logs = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        try {
            for (int i = 0; i < files; i++) {
                logs.add(new MinimalGroupCommit(work, force));
            }
            LongAdder appended = new LongAdder();
            for (int i = 0; i < n; i++) {
                MinimalGroupCommit log = logs.get(i % files);
                threads.add(Thread.ofVirtual().start(() -> {
                    while (log.append(payload)) {
                        appended.increment();
                    }
                }));
            }
            Thread.sleep((long) (seconds * 250));
            long r0 = appended.sum();
            long f0 = fsyncs(logs);
            long t0 = System.nanoTime();
            Thread.sleep((long) (seconds * 1000));
            long r1 = appended.sum();
            long f1 = fsyncs(logs);
            double elapsed = (System.nanoTime() - t0) / 1e9;
            return new double[] {(r1 - r0) / elapsed, (f1 - f0) / elapsed};
        } finally {
            for (MinimalGroupCommit log : logs) {
                log.close();
            }
            for (Thread t : threads) {
                t.join();
            }
        }
    }

    private static long fsyncs(List<MinimalGroupCommit> logs) {
        return logs.stream().mapToLong(MinimalGroupCommit::fsyncs).sum();
    }
}
