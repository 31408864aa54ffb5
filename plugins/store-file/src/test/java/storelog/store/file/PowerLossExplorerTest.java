package storelog.store.file;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import storelog.testkit.TestData;

/**
 * Durability under power loss, proven the way SQLite's crash VFS and ALICE do it: the workload runs on
 * a {@link PowerCutDisk}; at every operation of a small deterministic run, and at random operations of
 * larger and concurrent runs, the disks a power cut could leave are drawn, and the real engine must
 * recover each to what its {@code FSYNC} mode promises ({@link PowerLossCheck}), also after a second
 * crash during that recovery.
 *
 * <p>{@code -Dpowerloss.states=N} sets the distinct crash states per mode (default 1,000);
 * {@code -Dpowerloss.seed=S} the seed (default 20261203, printed). {@code bench/crash-explorer.sh} runs
 * 100,000.
 */
class PowerLossExplorerTest {

    static final int STATES = Integer.getInteger("powerloss.states", 1000);
    /** Fixed by default, so {@code mvn verify} explores the same states each time; the bench script draws one. */
    static final long SEED = Long.getLong("powerloss.seed", 20261203L);

    private static final QuietLogs QUIET = new QuietLogs("storelog.store.file");
    private static Path scratch;

    @BeforeAll
    static void scratchDirectory() throws IOException {
        Path shm = Path.of("/dev/shm");
        scratch = Files.isDirectory(shm) && Files.isWritable(shm) ? Files.createTempDirectory(shm, "storelog-power-loss-")
                : TestData.directory(PowerLossExplorerTest.class, "scratch");
        QUIET.on();
    }

    @AfterAll
    static void cleanUp() {
        QUIET.off();
        PowerLossExplorer.delete(scratch);
    }

    @ParameterizedTest
    @ValueSource(strings = {"always", "interval:5", "never"})
    void everyCrashStateRecoversToWhatTheModePromises(String mode) {
        FsyncPolicy fsync = FsyncPolicy.parse(mode);
        PowerLossExplorer explorer = new PowerLossExplorer(fsync, scratch);
        long start = System.nanoTime();
        explorer.everyOperation(new PowerLossWorkload(fsync, SEED, 8, 1), 3);
        int exhaustive = explorer.states();
        for (long run = 1; explorer.states() < STATES; run++) {
            explorer.randomOperations(new PowerLossWorkload(fsync, SEED + run, 40, run % 2 == 0 ? 3 : 1), 4);
        }
        System.out.printf("POWER-LOSS mode=%s seed=%d states=%d (every operation of a small run: %d) recovery-crashes=%d "
                        + "failures=%d partial-batches=%d in %d ms%n", fsync, SEED, explorer.states(), exhaustive,
                explorer.recoveryCrashes(), explorer.failedSeeds().size(), explorer.partialBatches(),
                (System.nanoTime() - start) / 1_000_000);
        explorer.failedSeeds().forEach(s -> System.out.println("POWER-LOSS FAILED " + s));
        assertThat(explorer.failures()).as("crash states that broke the promise of FSYNC=%s (seed %d)", fsync, SEED).isEmpty();
    }
}
