package storelog.store.file;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import storelog.api.StorageFailedException;
import storelog.testkit.TestData;

/**
 * A second open of a data directory in the process that already has it open is refused — and must
 * leave the first open's OS lock in place: POSIX record locks belong to the process, and closing any
 * descriptor of the lock file drops them all (FileLock's javadoc warns of it), so a refused open that
 * opened and closed its own channel on {@code .lock} would let another process open the directory
 * beside the running engine (two writers: offsets handed out twice).
 */
class SecondOpenLockTest {

    private Path dir;

    @BeforeEach
    void setUp(TestInfo test) {
        dir = TestData.directory(test);
    }

    @Test
    void aRefusedSecondOpenKeepsTheFirstOpensLockForOtherProcesses() throws Exception {
        Path data = dir.resolve("data");
        try (FileStorageEngine engine = Engines.open(data)) {
            assertThat(lockedForOtherProcesses(data)).as("locked while the engine has it open").isTrue();
            assertThatThrownBy(() -> Engines.open(data)).isInstanceOf(StorageFailedException.class)
                    .hasMessageContaining("in use");
            assertThat(lockedForOtherProcesses(data)).as("still locked after a refused second open").isTrue();
        }
    }

    /** Whether another process fails to take the lock file's POSIX lock (fcntl, as the JDK's FileChannel.tryLock). */
    private static boolean lockedForOtherProcesses(Path data) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("python3", "-c",
                "import fcntl,sys\nf=open(sys.argv[1],'r+')\ntry:\n fcntl.lockf(f,fcntl.LOCK_EX|fcntl.LOCK_NB)\n print('free')\nexcept OSError:\n print('locked')",
                data.resolve(DataDirectory.LOCK_FILE).toString()).redirectErrorStream(true).start();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        String out = new String(p.getInputStream().readAllBytes()).trim();
        assertThat(out).isIn("free", "locked");
        return out.equals("locked");
    }
}
