package storelog.store.file;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import storelog.api.PartitionKey;
import storelog.testkit.TestData;

/**
 * What recording a leader epoch's start costs per partition (a new leader does it in every partition
 * with uncommitted records; docs/cluster.md, "Reads"): one at a time, and 32 at once as the cluster's
 * {@code EpochStarts} does. A measurement, not a test: not in {@code mvn verify} (the class name
 * matches no test pattern); run with
 * {@code mvn -B -o -pl plugins/store-file -am test -Dtest=EpochStartTimings -Dsurefire.failIfNoSpecifiedTests=false}
 * and read the {@code TIMING} lines of its output.
 */
class EpochStartTimings {

    private static final int PARTITIONS = 1000;

    @Test
    void startEpochPerPartition(TestInfo test) throws InterruptedException {
        Path dir = TestData.directory(test);
        try (FileStorageEngine engine = Engines.open(dir)) {
            for (int i = 0; i < PARTITIONS; i++) {
                engine.append(PartitionKey.of("p" + i), 5, List.of(Engines.text("r")));
            }
            long start = System.nanoTime();
            for (int i = 0; i < PARTITIONS; i++) {
                engine.startEpoch(PartitionKey.of("p" + i), 9, 1);
            }
            report("one at a time", start);

            Semaphore slots = new Semaphore(32);
            start = System.nanoTime();
            try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
                for (int i = 0; i < PARTITIONS; i++) {
                    PartitionKey key = PartitionKey.of("p" + i);
                    slots.acquire();
                    pool.execute(() -> {
                        try {
                            engine.startEpoch(key, 11, 1);
                        } finally {
                            slots.release();
                        }
                    });
                }
            }
            report("32 at once", start);
        }
    }

    private static void report(String how, long startNanos) {
        long micros = (System.nanoTime() - startNanos) / 1_000;
        System.out.printf("TIMING startEpoch, %s: %d partitions in %d ms, %d us each%n", how, PARTITIONS, micros / 1000,
                micros / PARTITIONS);
    }
}
