package storelog.store.file;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import storelog.api.NewRecord;

/**
 * The process {@link CrashLoopTest} kills: opens the engine with {@code FSYNC=always}, appends from
 * several threads forever, and prints {@code <offset> <payload>} for every acknowledged append.
 * Arguments: data directory, round number.
 */
public final class CrashLoopChild {

    static final int THREADS = 4;
    static final long MAX_FILE_SIZE = 16 * 1024;

    private CrashLoopChild() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        String round = args[1];
        PrintStream out = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), true, StandardCharsets.UTF_8);
        FileStorageEngine engine = FileStorageEngine.open(
                new StoreConfig(dir, MAX_FILE_SIZE, FsyncPolicy.ALWAYS, 64), Disk.LOCAL);
        out.println("READY");
        Thread[] threads = new Thread[THREADS];
        for (int t = 0; t < THREADS; t++) {
            int thread = t;
            threads[t] = new Thread(() -> {
                for (long i = 0; ; i++) {
                    String payload = "round" + round + "-t" + thread + "-" + i + "-" + "p".repeat((int) (i % 200));
                    long offset = engine.append(Engines.KEY, List.of(new NewRecord(storelog.api.DataType.STRING,
                            payload.getBytes(StandardCharsets.UTF_8), i)));
                    synchronized (out) {
                        out.println(offset + " " + payload);
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
