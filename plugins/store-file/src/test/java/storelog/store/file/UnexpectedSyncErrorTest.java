package storelog.store.file;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static storelog.store.file.Engines.KEY;
import static storelog.store.file.Engines.text;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import storelog.api.StorageFailedException;
import storelog.testkit.TestData;

/**
 * A group commit that meets an unexpected unchecked exception (here: the disk throws one opening or
 * syncing the fsync's descriptor) fails its appenders and the partition — it must not leave the group commit
 * "running" forever, so that every later appender waits for a sync nobody runs.
 */
class UnexpectedSyncErrorTest {

    /**
     * A local disk whose opens of store files, and fsyncs through store descriptors (those kept open
     * between fsyncs too), throw an unchecked exception, once armed.
     */
    private static final class ThrowingOpens extends LocalDisk {
        volatile boolean armed;

        @Override
        public FileChannel open(Path file, OpenOption... options) throws IOException {
            if (armed && file.getFileName().toString().endsWith(".store")) {
                throw new IllegalStateException("injected: an unchecked failure opening " + file);
            }
            return super.open(file, options);
        }

        @Override
        public FileSync openForSync(Path file) throws IOException {
            FileSync real = super.openForSync(file);
            return FileSync.of(real.interruptible(), () -> {
                if (armed && file.getFileName().toString().endsWith(".store")) {
                    throw new IllegalStateException("injected: an unchecked failure syncing " + file);
                }
                real.sync();
            }, real);
        }
    }

    @Test
    void anUncheckedFailureInAGroupCommitFailsThePartitionInsteadOfHangingLaterAppends(TestInfo test) throws Exception {
        ThrowingOpens disk = new ThrowingOpens();
        try (FileStorageEngine engine = Engines.open(TestData.directory(test), 1 << 20, FsyncPolicy.ALWAYS, disk)) {
            Engines.appendTexts(engine, KEY, 0, 2); // the store's shared descriptor is open: the flush needs no open
            disk.armed = true;
            assertThatThrownBy(() -> engine.append(KEY, List.of(text("not durable")))).isInstanceOf(RuntimeException.class);
            disk.armed = false;
            CompletableFuture<Object> later = CompletableFuture.supplyAsync(() -> {
                try {
                    return engine.append(KEY, List.of(text("later")));
                } catch (RuntimeException e) {
                    return e;
                }
            });
            assertThat(later.get(10, TimeUnit.SECONDS)).as("a later append is answered").isInstanceOf(StorageFailedException.class);
        }
    }

    @Test
    void anUncheckedFailureInABackgroundFsyncFailsThePartitionInsteadOfEndingItsFsyncsSilently(TestInfo test) throws Exception {
        ThrowingOpens disk = new ThrowingOpens();
        try (FileStorageEngine engine = Engines.open(TestData.directory(test), 1 << 20, FsyncPolicy.parse("interval:5"), disk)) {
            Engines.appendTexts(engine, KEY, 0, 2);
            disk.armed = true; // the flusher's fsync needs a descriptor of its own
            engine.append(KEY, List.of(text("r2")));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (engine.metrics().get("failed_partitions") == 0) {
                assertThat(System.nanoTime()).as("the partition fails closed").isLessThan(deadline);
                Thread.onSpinWait();
            }
            disk.armed = false;
            assertThatThrownBy(() -> engine.append(KEY, List.of(text("refused")))).isInstanceOf(StorageFailedException.class);
            assertThat(engine.read(KEY, 2).text()).isEqualTo("r2");
        }
    }
}
