package storelog.store.file;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static storelog.store.file.Engines.KEY;
import static storelog.store.file.Engines.text;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import storelog.api.StorageFailedException;
import storelog.testkit.TestData;

/**
 * A group commit whose fsync ends in an Error — OutOfMemoryError "unable to create native thread" from
 * {@link Uninterruptible}'s hand-off (an appender's own sync hands its fsync to a new platform thread,
 * one per partition syncing at once) — must neither leave the group commit "scheduled" with nobody
 * syncing (every later appender of the partition parks forever) nor let the partition go on as if the
 * fsync's outcome were known.
 */
class GroupCommitErrorTest {

    /** A local disk whose store files' fsyncs end in an Error while {@code errors} is above zero. */
    private static final class ErrorForces extends StoreForceHook {
        final AtomicInteger errors = new AtomicInteger();

        @Override
        void beforeForce(Path file) {
            if (errors.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                throw new OutOfMemoryError("injected: unable to create native thread for the fsync of " + file);
            }
        }
    }

    @Test
    void anFsyncEndingInAnErrorDoesNotHangLaterAppendsOfThePartition(TestInfo test) throws Exception {
        ErrorForces disk = new ErrorForces();
        try (FileStorageEngine engine = Engines.open(TestData.directory(test), 1 << 20, FsyncPolicy.ALWAYS, disk)) {
            Engines.appendTexts(engine, KEY, 0, 2);
            disk.errors.set(1);
            assertThatThrownBy(() -> engine.append(KEY, List.of(text("outcome unknown")))).isInstanceOf(Throwable.class);
            CompletableFuture<Object> later = CompletableFuture.supplyAsync(() -> {
                try {
                    return engine.append(KEY, List.of(text("later")));
                } catch (RuntimeException e) {
                    return e;
                }
            });
            assertThat(later.get(10, TimeUnit.SECONDS)).as("a later append is answered (fail closed: the fsync's outcome is unknown)")
                    .isInstanceOf(StorageFailedException.class);
        }
    }
}
