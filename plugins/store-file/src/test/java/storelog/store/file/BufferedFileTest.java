package storelog.store.file;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import storelog.testkit.TestData;

/** {@link BufferedFile}'s promise about fsync: "synced" is said only of bytes an fsync that succeeded covered. */
class BufferedFileTest {

    private final Faults disk = new Faults();

    private static void write(BufferedFile file, String text) throws IOException {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        file.reserve(bytes.length).put(file.bufferedLength(), bytes);
        file.commit(bytes.length);
        file.flush();
    }

    @Test
    void aForceNeverReportsSyncedWhileAnotherThreadsFsyncOfTheSameBytesFails(TestInfo test) throws Exception {
        Path path = TestData.directory(test).resolve("segment_0.store");
        disk.createNew(path).close();
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try (OpenFiles files = new OpenFiles(disk, 4)) {
            BufferedFile file = new BufferedFile(files, path, 0);
            write(file, "unsynced bytes");
            disk.storeForceGate.arm();
            Future<?> first = pool.submit(() -> {
                file.force();
                return null;
            });
            disk.storeForceGate.awaitBlocked(); // the first fsync is running
            Future<?> second = pool.submit(() -> {
                file.force();
                return null;
            });
            disk.failForce = true; // ... and it will fail
            disk.storeForceGate.release();

            assertThatThrownBy(() -> first.get(30, TimeUnit.SECONDS)).hasCauseInstanceOf(IOException.class);
            assertThatThrownBy(() -> second.get(30, TimeUnit.SECONDS)).as("the second caller's bytes were never synced")
                    .hasCauseInstanceOf(IOException.class);
            disk.failForce = false;
            assertThatThrownBy(file::force).as("an fsync failure is never retried into success").isInstanceOf(IOException.class);
        } finally {
            pool.shutdown();
        }
    }
}
