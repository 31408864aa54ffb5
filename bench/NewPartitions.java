// First appends to new partitions inside the engine alone (no HTTP), FSYNC=always: opens an empty
// DATA_DIR with the file storage engine and appends one 10-byte record to each of N new partitions
// n0..n(N-1) from CONCURRENCY virtual threads (as the HTTP server calls the engine), printing the rate.
// Beside bench/create-ceiling.py (the same creations without StoreLog) it tells the engine's share of
// the gap new-partitions.sh measures through HTTP (bench/RESULTS.md, 2026-12-05). Run with the JDK's
// source launcher on the image's module jars, holding /work/bench.lock:
//   java -p distribution/target/modules --add-modules storelog.store.file,storelog.api \
//        bench/NewPartitions.java DATA_DIR N CONCURRENCY
import java.nio.charset.StandardCharsets;
import java.util.*;
import java.util.concurrent.*;
import java.util.concurrent.atomic.*;
import storelog.api.*;
import storelog.api.spi.*;

public class NewPartitions {
    public static void main(String[] a) throws Exception {
        String dir = a[0]; int n = Integer.parseInt(a[1]); int conc = Integer.parseInt(a[2]);
        StorageEngineProvider p = ServiceLoader.load(StorageEngineProvider.class).findFirst().orElseThrow();
        StorageEngine e = p.open(Settings.of(Map.of("DATA_DIR", dir, "FSYNC", "always")));
        List<NewRecord> record = List.of(new NewRecord(DataType.STRING, "one record".getBytes(StandardCharsets.UTF_8), 1L));
        AtomicInteger next = new AtomicInteger(); AtomicInteger fails = new AtomicInteger();
        long t0 = System.nanoTime();
        try (var ex = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int c = 0; c < conc; c++) ex.execute(() -> {
                int i;
                while ((i = next.getAndIncrement()) < n) {
                    try { e.append(PartitionKey.of("n" + i), record); } catch (RuntimeException x) { if (fails.getAndIncrement() < 3) x.printStackTrace(); }
                }
            });
        }
        long ns = System.nanoTime() - t0;
        System.out.printf("RESULT engine_new_partitions_per_s %d (%d failed, %d virtual threads) %s%n", (long) (n * 1e9 / ns), fails.get(), conc, e.metrics());
        e.close();
    }
}
