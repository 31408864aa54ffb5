package storelog.store.file;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import storelog.api.Record;
import storelog.testkit.TestData;

/**
 * The history across real crashes: a child JVM ({@link EpochCrashChild}) appends under rising epochs
 * from several threads and is killed with SIGKILL at a random moment, a few rounds on one directory,
 * in each {@code FSYNC} mode. After each crash every record has the epoch of the history entry
 * covering it (under {@code interval}/{@code never} the crash loses a tail, and with it the epochs
 * that began in it), and under {@code always} every acknowledged record is there.
 */
class EpochCrashTest {

    private static final int ROUNDS = 4;
    private static final long ROUND_TIMEOUT_SECONDS = 60;

    @ParameterizedTest
    @ValueSource(strings = {"always", "interval:20", "never"})
    void afterEachCrashEveryRecordHasTheEpochItsHistoryGivesIt(String fsync, TestInfo test) throws Exception {
        Path dir = TestData.directory(test);
        Random random = new Random(fsync.hashCode());
        Map<Long, String> acknowledged = new HashMap<>();
        long epochsSeen = 0;
        for (int round = 0; round < ROUNDS; round++) {
            Map<Long, String> acked = runAndKill(dir, round, fsync, 1 + random.nextInt(400));
            try (FileStorageEngine engine = FileStorageEngine.open(
                    new StoreConfig(dir, EpochCrashChild.MAX_FILE_SIZE, FsyncPolicy.parse(fsync), 64), Disk.LOCAL)) {
                List<Record> all = EpochChecks.assertRecordsMatch(engine, Engines.KEY, fsync + ", round " + round);
                epochsSeen = Math.max(epochsSeen, engine.epochs(Engines.KEY).size());
                if (fsync.equals("always")) {
                    acknowledged.putAll(acked);
                    for (Map.Entry<Long, String> e : acknowledged.entrySet()) {
                        assertThat(all.get((int) (long) e.getKey()).text()).as("acknowledged offset %d", e.getKey())
                                .isEqualTo(e.getValue());
                    }
                }
            }
        }
        assertThat(epochsSeen).as("epochs began in the runs").isGreaterThan(ROUNDS);
        assertThat(Verifier.verify(dir, false).problems()).isEmpty();
    }

    /** Starts the child, reads acknowledgements until {@code killAfter} arrived, SIGKILLs it; returns what was acknowledged. */
    private static Map<Long, String> runAndKill(Path dir, int round, String fsync, int killAfter) throws Exception {
        KilledChild child = KilledChild.start(EpochCrashChild.class, ROUND_TIMEOUT_SECONDS, dir.toString(), String.valueOf(round), fsync);
        Map<Long, String> acked = new HashMap<>();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(ROUND_TIMEOUT_SECONDS);
        // under interval/never a kill within the flush delay of the round's start loses the whole round, and
        // with it the epochs it began: the round then runs at least 5 flush delays, so that something of it
        // (and of its epochs) reaches the OS before the kill — the kill's moment stays random after that
        long minimumEnd = Long.MAX_VALUE;
        try {
            while (acked.size() < killAfter || System.nanoTime() - minimumEnd < 0) {
                String line = child.poll(deadline);
                if (line == null) {
                    fail("round " + round + ": the child stopped reporting after " + acked.size() + " acknowledgements");
                }
                collect(line, acked);
                if (minimumEnd == Long.MAX_VALUE && !acked.isEmpty()) {
                    minimumEnd = System.nanoTime() + 5 * FsyncPolicy.parse(fsync).flushDelayNanos();
                }
            }
        } finally {
            child.kill();
        }
        for (String line : child.rest()) {
            collect(line, acked);
        }
        return acked;
    }

    /** Takes a whole {@code <offset> e<epoch>-t<thread>-<i>-p...} line; a line the kill cut is ignored. */
    private static void collect(String line, Map<Long, String> acked) {
        int space = line.indexOf(' ');
        if (space < 0) {
            return;
        }
        String payload = line.substring(space + 1);
        if (!payload.matches("e\\d+-t\\d+-(\\d+)-p*") || !payload.endsWith("-" + "p".repeat((int) (Long.parseLong(payload.split("-")[2]) % 100)))) {
            return;
        }
        acked.put(Long.parseLong(line.substring(0, space)), payload);
    }
}
