// Cold first reads inside the engine alone (no HTTP): opens DATA_DIR with the file storage engine and
// reads offset 0 of partitions p1..p(N-1) from CONCURRENCY virtual threads, PASSES times, printing the
// rate and the engine's metrics (open-file hits/misses) per pass. Used for the profile in RESULTS.md
// "Scale, issue 11 ... (2026-12-04)". Run with the JDK's source launcher on the image's module jars:
//   java -p distribution/target/modules --add-modules storelog.store.file,storelog.api \
//        bench/ColdRead.java DATA_DIR N CONCURRENCY PASSES
// (-Dserving=true: tell the engine it serves, as the server does once ready, so a crash's background
// recovery runs beside the reads; STORE_MAX_OPEN_FILES=<n> in the environment sets the LRU's size.)
// (DATA_DIR as bench/scale.sh leaves one: p0..p(N-1), one record each; hold /work/bench.lock.)
import java.util.*;
import java.util.concurrent.*;
import java.util.concurrent.atomic.*;
import storelog.api.*;
import storelog.api.spi.*;

public class ColdRead {
    public static void main(String[] a) throws Exception {
        String dir = a[0]; int n = Integer.parseInt(a[1]); int conc = Integer.parseInt(a[2]); int passes = Integer.parseInt(a[3]);
        StorageEngineProvider p = ServiceLoader.load(StorageEngineProvider.class).findFirst().orElseThrow();
        long t0 = System.nanoTime();
        StorageEngine e = p.open(Settings.of(settings(dir)));
        System.out.printf("open %d ms%n", (System.nanoTime() - t0) / 1_000_000);
        if (Boolean.getBoolean("serving")) {
            e.serving(); // as the server does once ready: the background recovery of a crash starts now
        }
        for (int pass = 0; pass < passes; pass++) {
            AtomicInteger next = new AtomicInteger(1); AtomicInteger fails = new AtomicInteger();
            t0 = System.nanoTime();
            try (var ex = Executors.newVirtualThreadPerTaskExecutor()) {
                for (int c = 0; c < conc; c++) ex.execute(() -> {
                    int i;
                    while ((i = next.getAndIncrement()) < n) {
                        try { e.read(PartitionKey.of("p" + i), 0); } catch (RuntimeException x) { if (fails.getAndIncrement() < 3) x.printStackTrace(); }
                    }
                });
            }
            long ns = System.nanoTime() - t0;
            System.out.printf("pass %d: %d reads/s (%d failed) %s%n", pass, (long) ((n - 1) * 1e9 / ns), fails.get(), e.metrics());
        }
        e.close();
    }

    static Map<String, String> settings(String dir) {
        Map<String, String> s = new HashMap<>(Map.of("DATA_DIR", dir, "FSYNC", "always"));
        String max = System.getenv("STORE_MAX_OPEN_FILES");
        if (max != null) {
            s.put("STORE_MAX_OPEN_FILES", max);
        }
        return s;
    }
}
