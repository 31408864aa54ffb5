import java.nio.file.*;
import java.util.*;
import java.util.concurrent.atomic.LongAdder;
import storelog.api.*;
import storelog.api.spi.StorageEngine;
import storelog.core.PluginRegistry;
import one.profiler.AsyncProfiler;

/** See run.sh: one partition, N virtual-thread appenders, FSYNC=always, profiled in-process. */
public class Prof {
    public static void main(String[] a) throws Exception {
        int n = Integer.parseInt(a[0]);
        double secs = Double.parseDouble(a[1]);
        String ev = a.length > 2 ? a[2] : "none";
        String out = a.length > 3 ? a[3] : "/tmp/prof/out.txt";
        java.util.logging.Logger.getLogger("storelog").setLevel(java.util.logging.Level.WARNING);
        Path dir = Files.createTempDirectory(Path.of(System.getenv().getOrDefault("BENCH_WORK", "/tmp/storelog-bench")), "prof-");
        StorageEngine engine = PluginRegistry.bootLayer().storageEngine("file").open(Settings.of(Map.of("DATA_DIR", dir.toString(), "FSYNC", "always", "MAX_FILE_SIZE", "10485760")));
        byte[] b = new byte[100]; Arrays.fill(b, (byte)'x');
        List<NewRecord> one = List.of(NewRecord.bytes(b, System.currentTimeMillis()));
        LongAdder appended = new LongAdder();
        boolean[] stop = new boolean[1];
        List<Thread> ts = new ArrayList<>();
        PartitionKey key = PartitionKey.of("p0");
        for (int i = 0; i < n; i++) ts.add(Thread.ofVirtual().start(() -> { while (!stop[0]) { engine.append(key, one); appended.increment(); } }));
        Thread.sleep(2000);
        AsyncProfiler ap = ev.equals("none") ? null : AsyncProfiler.getInstance(System.getProperty("ap.lib"));
        if (ap != null) ap.execute("start,event=" + ev + ",interval=" + (ev.equals("wall") ? "200us" : "1ms") + (ev.equals("wall") ? ",threads" : ""));
        long r0 = appended.sum(), f0 = engine.metrics().getOrDefault("fsyncs_total", 0L), t0 = System.nanoTime();
        Thread.sleep((long)(secs * 1000));
        long r1 = appended.sum(), f1 = engine.metrics().getOrDefault("fsyncs_total", 0L), t1 = System.nanoTime();
        if (ap != null) { ap.execute("stop,file=" + out + (a.length > 4 ? "," + a[4] : ",flat=40")); }
        double s = (t1 - t0) / 1e9;
        System.out.printf("n=%d rec/s=%.0f fsyncs/s=%.0f rec/fsync=%.1f%n", n, (r1-r0)/s, (f1-f0)/s, (double)(r1-r0)/Math.max(1,f1-f0));
        stop[0] = true;
        for (Thread t : ts) t.join();
        engine.close();
        try (var w = Files.walk(dir)) { w.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete()); }
        System.exit(0);
    }
}
