package storelog.store.file;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import storelog.api.PartitionKey;
import storelog.api.StoreLogException;
import storelog.testkit.TestData;

/**
 * The engine closed while appends (some rolling segments, some waiting for a group commit) are in
 * flight: every append that returned is there after a reopen, at the offset it was told; an append
 * that was refused because the engine closed is not required to be, and nothing is there twice.
 */
class CloseDuringAppendsTest {

    @ParameterizedTest
    @ValueSource(strings = {"always", "interval:5", "never"})
    void everyAppendThatReturnedBeforeTheCloseIsThereAfterIt(String mode, TestInfo test) throws Exception {
        Path dir = TestData.directory(test);
        FsyncPolicy fsync = FsyncPolicy.parse(mode);
        List<PartitionKey> keys = List.of(PartitionKey.of("close-a"), PartitionKey.of("close-b"));
        Map<String, Long> acked = new ConcurrentHashMap<>();
        AtomicInteger count = new AtomicInteger();
        FileStorageEngine engine = Engines.open(dir, 300, fsync);
        ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor();
        List<Future<?>> appenders = new ArrayList<>();
        for (int t = 0; t < 6; t++) {
            int thread = t;
            appenders.add(pool.submit(() -> {
                for (int n = 0; ; n++) {
                    PartitionKey key = keys.get((thread + n) % keys.size());
                    String payload = key + "/t" + thread + "-" + n;
                    try {
                        acked.put(payload, engine.append(key, List.of(Engines.text(payload))));
                        count.incrementAndGet();
                    } catch (IllegalStateException | StoreLogException closed) {
                        return null;
                    }
                }
            }));
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (count.get() < 200 && System.nanoTime() < deadline) {
            Thread.onSpinWait(); // appends are flowing
        }
        engine.close();
        for (Future<?> f : appenders) {
            f.get(30, TimeUnit.SECONDS);
        }
        pool.shutdown();
        try (FileStorageEngine reopened = Engines.open(dir, 300, fsync)) {
            for (PartitionKey key : keys) {
                long next = reopened.info(key).orElseThrow().nextOffset();
                List<storelog.api.Record> log = new ArrayList<>();
                while (log.size() < next) {
                    log.addAll(reopened.read(key, log.size(), 1000, Long.MAX_VALUE));
                }
                java.util.Set<String> seen = new java.util.HashSet<>();
                for (storelog.api.Record r : log) {
                    assertThat(seen.add(r.text())).as("%s once", r.text()).isTrue();
                    Long told = acked.get(r.text());
                    if (told != null) {
                        assertThat(r.offset()).as(r.text()).isEqualTo(told);
                    }
                }
                acked.forEach((payload, offset) -> {
                    if (payload.startsWith(key + "/")) {
                        assertThat(offset).as("%s was acknowledged", payload).isLessThan(next);
                        assertThat(log.get((int) (long) offset).text()).isEqualTo(payload);
                    }
                });
            }
        }
    }
}
