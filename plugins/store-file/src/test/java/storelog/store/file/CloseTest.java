package storelog.store.file;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import storelog.api.PartitionKey;
import storelog.testkit.TestData;

/** {@code close()} while appends still arrive: whatever was acknowledged is there after the next start. */
class CloseTest {

    private static final int ROUNDS = 8;
    private static final int THREADS = 6;

    @Test
    void everyAppendAcknowledgedWhileTheEngineClosesSurvivesIt(TestInfo test) throws Exception {
        Path root = TestData.directory(test);
        for (int round = 0; round < ROUNDS; round++) {
            Path dir = root.resolve("round-" + round);
            Map<PartitionKey, String> acked = new ConcurrentHashMap<>();
            ExecutorService pool = Executors.newFixedThreadPool(THREADS);
            FileStorageEngine engine = Engines.open(dir, 1 << 20, FsyncPolicy.NEVER);
            AtomicInteger keys = new AtomicInteger();
            CountDownLatch started = new CountDownLatch(THREADS * 20);
            List<Future<?>> appenders = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                appenders.add(pool.submit(() -> {
                    while (true) { // each append opens a new partition, until the engine refuses
                        PartitionKey key = PartitionKey.of("k" + keys.incrementAndGet());
                        try {
                            engine.append(key, List.of(Engines.text("v-" + key.value())));
                        } catch (IllegalStateException closed) {
                            return null;
                        }
                        acked.put(key, "v-" + key.value());
                        started.countDown();
                    }
                }));
            }
            assertThat(started.await(30, TimeUnit.SECONDS)).isTrue();
            engine.close();
            for (Future<?> f : appenders) {
                f.get(30, TimeUnit.SECONDS);
            }
            pool.shutdown();
            try (FileStorageEngine reopened = Engines.open(dir, 1 << 20, FsyncPolicy.NEVER)) {
                for (Map.Entry<PartitionKey, String> e : acked.entrySet()) {
                    assertThat(reopened.info(e.getKey())).as("round %d: %s was acknowledged", round, e.getKey()).isPresent();
                    assertThat(reopened.read(e.getKey(), 0).text()).isEqualTo(e.getValue());
                }
            }
        }
    }
}
