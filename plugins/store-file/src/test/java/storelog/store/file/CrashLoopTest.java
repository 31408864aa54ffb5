package storelog.store.file;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import storelog.api.Record;
import storelog.api.spi.StorageEngine;
import storelog.testkit.TestData;

/**
 * A real crash loop: a child JVM appends with {@code FSYNC=always} and reports every acknowledged
 * offset; it is killed with SIGKILL at a random moment (after a random number of acknowledgements);
 * then the engine reopens the directory and every acknowledged record must be there, intact and in
 * order, and the log must go on gap-free. Twenty rounds on the same directory.
 */
class CrashLoopTest {

    private static final int ROUNDS = 20;
    private static final long ROUND_TIMEOUT_SECONDS = 60;

    @Test
    void everyAcknowledgedRecordSurvivesSigkill(TestInfo test) throws Exception {
        Path dir = TestData.directory(test);
        Random random = new Random(20261127L);
        Map<Long, String> acknowledged = new HashMap<>();
        long totalKilled = 0;
        for (int round = 0; round < ROUNDS; round++) {
            int killAfter = 1 + random.nextInt(1500);
            Map<Long, String> acked = runAndKill(dir, round, killAfter);
            assertThat(acked).as("round %d acknowledged records", round).hasSizeGreaterThanOrEqualTo(killAfter);
            for (Map.Entry<Long, String> e : acked.entrySet()) {
                String before = acknowledged.put(e.getKey(), e.getValue());
                assertThat(before).as("offset %d acknowledged twice", e.getKey()).isNull();
            }
            totalKilled++;
            try (StorageEngine engine = FileStorageEngine.open(
                    new StoreConfig(dir, CrashLoopChild.MAX_FILE_SIZE, FsyncPolicy.ALWAYS, 64), Disk.LOCAL)) {
                long next = engine.info(Engines.KEY).orElseThrow().nextOffset();
                long maxAcked = acknowledged.keySet().stream().mapToLong(Long::longValue).max().orElse(-1);
                assertThat(next).as("round %d: every acknowledged offset is below the end", round).isGreaterThan(maxAcked);
                List<Record> all = readAll(engine, next);
                for (int i = 0; i < all.size(); i++) {
                    assertThat(all.get(i).offset()).as("gap-free").isEqualTo(i);
                }
                for (Map.Entry<Long, String> e : acknowledged.entrySet()) {
                    assertThat(all.get((int) (long) e.getKey()).text()).as("offset %d intact", e.getKey()).isEqualTo(e.getValue());
                }
            }
        }
        assertThat(totalKilled).isEqualTo(ROUNDS);
        assertThat(Verifier.verify(dir, false).problems()).isEmpty();
    }

    private static List<Record> readAll(StorageEngine engine, long end) {
        List<Record> all = new java.util.ArrayList<>();
        while (all.size() < end) {
            all.addAll(engine.read(Engines.KEY, all.size(), 10_000, Long.MAX_VALUE));
        }
        return all;
    }

    /** Starts the child, reads acknowledgements until {@code killAfter} arrived, SIGKILLs it; returns what was acknowledged. */
    private static Map<Long, String> runAndKill(Path dir, int round, int killAfter) throws Exception {
        KilledChild child = KilledChild.start(CrashLoopChild.class, ROUND_TIMEOUT_SECONDS, dir.toString(), String.valueOf(round));
        Map<Long, String> acked = new HashMap<>();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(ROUND_TIMEOUT_SECONDS);
        try {
            while (acked.size() < killAfter) {
                String line = child.poll(deadline);
                if (line == null) {
                    fail("round " + round + ": the child stopped reporting after " + acked.size() + " acknowledgements");
                }
                collect(line, acked);
            }
        } finally {
            child.kill();
        }
        for (String line : child.rest()) {
            collect(line, acked);
        }
        return acked;
    }

    private static void collect(String line, Map<Long, String> acked) {
        if (line.equals("READY")) {
            return;
        }
        int space = line.indexOf(' ');
        if (space < 0) {
            return; // a line cut by the kill
        }
        String payload = line.substring(space + 1);
        if (!payload.matches("round\\d+-t\\d+-(\\d+)-p*") || !payload.endsWith("p".repeat((int) (Long.parseLong(payload.split("-")[2]) % 200)))) {
            return; // torn last line
        }
        acked.put(Long.parseLong(line.substring(0, space)), payload);
    }
}
