package storelog.store.file;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import storelog.api.StaleEpochException;

/**
 * The process {@link EpochCrashTest} kills: opens the engine with the given {@code FSYNC}, appends
 * from several threads forever under a leader epoch that rises every few appends (starting at
 * {@code 100 · round + 1}, above every earlier round's), and prints {@code <offset> <payload>} for every
 * acknowledged append; the payload starts with {@code e<epoch>-}. Arguments: data directory, round,
 * {@code FSYNC} value.
 */
public final class EpochCrashChild {

    static final int THREADS = 3;
    static final long MAX_FILE_SIZE = 8 * 1024;
    /** Every this many appends of thread 0, a new epoch starts. */
    static final int EPOCH_EVERY = 40;

    private EpochCrashChild() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        int round = Integer.parseInt(args[1]);
        PrintStream out = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), true, StandardCharsets.UTF_8);
        FileStorageEngine engine = FileStorageEngine.open(
                new StoreConfig(dir, MAX_FILE_SIZE, FsyncPolicy.parse(args[2]), 64), Disk.LOCAL);
        AtomicLong epoch = new AtomicLong(100L * round + 1);
        out.println("READY");
        Thread[] threads = new Thread[THREADS];
        for (int t = 0; t < THREADS; t++) {
            int thread = t;
            threads[t] = new Thread(() -> {
                for (long i = 0; ; i++) {
                    long e = thread == 0 && i % EPOCH_EVERY == EPOCH_EVERY - 1 ? epoch.incrementAndGet() : epoch.get();
                    String payload = "e" + e + "-t" + thread + "-" + i + "-" + "p".repeat((int) (i % 100));
                    try {
                        long offset = engine.append(Engines.KEY, e, List.of(Engines.text(payload)));
                        synchronized (out) {
                            out.println(offset + " " + payload);
                        }
                    } catch (StaleEpochException stale) {
                        // another thread began a newer epoch first
                    }
                }
            });
            threads[t].start();
        }
        for (Thread t : threads) {
            t.join();
        }
    }
}
