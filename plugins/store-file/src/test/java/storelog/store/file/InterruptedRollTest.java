package storelog.store.file;

import static org.assertj.core.api.Assertions.assertThat;
import static storelog.store.file.Engines.KEY;
import static storelog.store.file.Engines.text;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import storelog.testkit.TestData;

/**
 * An appender (a virtual thread of a request) interrupted while its append rolls a segment — while
 * the new segment's directory entry is being forced: the interrupt closes no channel of that work
 * (it would fail the fsync, and the partition with it, for good), the append succeeds, the partition
 * stays writable.
 */
class InterruptedRollTest {

    /** A local disk whose directory fsyncs wait at a gate. */
    private static final class GatedDirectoryForces extends LocalDisk {
        final Faults.Gate gate = new Faults.Gate();

        @Override
        public void forceDirectory(Path dir) throws IOException {
            gate.pass();
            super.forceDirectory(dir);
        }
    }

    private Path dir;
    private final GatedDirectoryForces disk = new GatedDirectoryForces();

    @BeforeEach
    void setUp(TestInfo test) {
        dir = TestData.directory(test);
    }

    @Test
    void anInterruptDuringTheRollsDirectoryFsyncFailsNeitherTheAppendNorThePartition() throws Exception {
        try (FileStorageEngine engine = Engines.open(dir, 100, FsyncPolicy.ALWAYS, disk)) {
            Engines.appendTexts(engine, KEY, 0, 3); // the segment is nearly full: the next append rolls
            disk.gate.arm();
            AtomicReference<Thread> appender = new AtomicReference<>();
            CompletableFuture<Long> append = new CompletableFuture<>();
            Thread.ofVirtual().start(() -> {
                appender.set(Thread.currentThread());
                try {
                    append.complete(engine.append(KEY, List.of(text("rolls"))));
                } catch (RuntimeException e) {
                    append.completeExceptionally(e);
                }
            });
            disk.gate.awaitBlocked();
            appender.get().interrupt(); // the request was cancelled
            disk.gate.release();
            assertThat(append.get(30, TimeUnit.SECONDS)).isEqualTo(3);
            assertThat(engine.append(KEY, List.of(text("r4")))).as("the partition stays writable").isEqualTo(4);
            assertThat(engine.read(KEY, 3).text()).isEqualTo("rolls");
        }
    }
}
