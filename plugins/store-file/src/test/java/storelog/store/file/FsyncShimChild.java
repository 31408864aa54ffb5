package storelog.store.file;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import storelog.api.NewRecord;
import storelog.api.PartitionKey;

/**
 * Runs the production engine ({@link Disk#LOCAL}, {@code FSYNC=always}) under {@link FsyncShimTest}'s
 * shim and prints what each append got: {@code <name> acked <offset>} or {@code <name> failed <exception>}.
 * Arguments: the scenario, the data directory, the shim's flag directory.
 */
final class FsyncShimChild {

    private FsyncShimChild() {
    }

    public static void main(String[] args) throws Exception {
        Path data = Path.of(args[1]);
        Path flags = Path.of(args[2]);
        try (FileStorageEngine engine = FileStorageEngine.open(new StoreConfig(data, 1 << 20, FsyncPolicy.ALWAYS, 64), Disk.LOCAL)) {
            switch (args[0]) {
                case "eio" -> {
                    append(engine, "p", "r0", false, false);
                    arm(flags, "fsync-eio");
                    append(engine, "p", "r1", false, false);
                    append(engine, "v", "v1", true, true);
                    append(engine, "t", "t1", false, true);
                    disarm(flags, "fsync-eio");
                    append(engine, "p", "r2", false, false);
                    append(engine, "v", "v2", false, false);
                    append(engine, "t", "t2", false, false);
                }
                case "eio-interrupted-during" -> {
                    append(engine, "p", "r0", false, false);
                    arm(flags, "fsync-slow");
                    arm(flags, "fsync-eio");
                    CompletableFuture<String> outcome = new CompletableFuture<>();
                    Thread appender = Thread.ofVirtual().start(() -> outcome.complete(attempt(engine, "p", "r1")));
                    TimeUnit.MILLISECONDS.sleep(100); // inside the slow fsync
                    appender.interrupt();
                    System.out.println(outcome.get(30, TimeUnit.SECONDS));
                    disarm(flags, "fsync-eio");
                    disarm(flags, "fsync-slow");
                    append(engine, "p", "r2", false, false);
                }
                case "emfile" -> { // each partition's first fsync opens its store's sync descriptor, kept for the next ones
                    append(engine, "p", "r0", false, false);
                    arm(flags, "open-emfile-once");
                    append(engine, "q", "r1", false, false);
                    arm(flags, "open-emfile");
                    append(engine, "p", "r2", false, false); // through the descriptor kept open: no open, no shortage
                    append(engine, "s", "r3", false, false);
                    disarm(flags, "open-emfile");
                    append(engine, "s", "r4", false, false);
                }
                case "threads" -> {
                    int partitions = Integer.parseInt(args[3]);
                    for (int i = 0; i < partitions; i++) {
                        engine.append(PartitionKey.of("p" + i), List.of(NewRecord.bytes(new byte[] {1}, 1L)));
                    }
                    arm(flags, "fsync-slow");
                    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
                    int before = threads.getThreadCount();
                    threads.resetPeakThreadCount();
                    List<Thread> appenders = new ArrayList<>();
                    for (int i = 0; i < partitions; i++) {
                        PartitionKey key = PartitionKey.of("p" + i);
                        appenders.add(Thread.ofVirtual().start(() -> engine.append(key, List.of(NewRecord.bytes(new byte[] {2}, 2L)))));
                    }
                    for (Thread t : appenders) {
                        t.join();
                    }
                    System.out.println("more threads " + (threads.getPeakThreadCount() - before));
                    disarm(flags, "fsync-slow");
                }
                default -> throw new IllegalArgumentException(args[0]);
            }
        }
    }

    private static void append(FileStorageEngine engine, String partition, String name, boolean virtual, boolean interrupted)
            throws InterruptedException {
        CompletableFuture<String> outcome = new CompletableFuture<>();
        Runnable task = () -> {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
            outcome.complete(attempt(engine, partition, name));
        };
        (virtual ? Thread.ofVirtual() : Thread.ofPlatform()).start(task).join();
        System.out.println(outcome.join());
    }

    private static String attempt(FileStorageEngine engine, String partition, String name) {
        try {
            return name + " acked " + engine.append(PartitionKey.of(partition), List.of(NewRecord.bytes(name.getBytes(), 1L)));
        } catch (RuntimeException e) {
            return name + " failed " + e.getClass().getSimpleName() + ": " + e.getMessage();
        }
    }

    private static void arm(Path flags, String flag) throws Exception {
        Files.writeString(flags.resolve(flag), "");
    }

    private static void disarm(Path flags, String flag) throws Exception {
        Files.deleteIfExists(flags.resolve(flag));
    }
}
