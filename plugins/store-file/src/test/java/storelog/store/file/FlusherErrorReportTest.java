package storelog.store.file;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import storelog.api.PartitionKey;
import storelog.testkit.TestData;

/**
 * Engine-level {@link FlusherThreadSurvivesTest}: a background flush that throws an Error (an
 * OutOfMemoryError) whose ERROR report throws one too (the heap still full while the stack trace is
 * logged) used to end the flusher's only thread. The server went on acknowledging appends, every
 * partition's records stayed buffered in memory (no write, no interval fsync) until the close, and no
 * append started another thread: {@link Flusher#running} still answered true.
 */
class FlusherErrorReportTest {

    private static final PartitionKey KEY = PartitionKey.of("flush-throws");
    private static final PartitionKey OTHER = PartitionKey.of("appended-after");

    /** Makes the next ERROR logged by {@link Flusher} throw an Error (a JUL filter, set by reflection). */
    private static final class FailingReport implements AutoCloseable {
        final AtomicBoolean armed = new AtomicBoolean(true);
        private final Object logger;

        FailingReport() throws Exception {
            Class<?> loggerClass = Class.forName("java.util.logging.Logger");
            Class<?> filterClass = Class.forName("java.util.logging.Filter");
            logger = loggerClass.getMethod("getLogger", String.class).invoke(null, Flusher.class.getName());
            Object filter = Proxy.newProxyInstance(filterClass.getClassLoader(), new Class<?>[] {filterClass}, (proxy, method, args) -> {
                if (method.getName().equals("isLoggable")) {
                    Object level = args[0].getClass().getMethod("getLevel").invoke(args[0]);
                    if (String.valueOf(level).equals("SEVERE") && armed.compareAndSet(true, false)) {
                        throw new InternalError("injected: an Error while logging (as an OutOfMemoryError would be)");
                    }
                    return true;
                }
                return method.getName().equals("hashCode") ? System.identityHashCode(proxy) : method.invoke(this, args);
            });
            loggerClass.getMethod("setFilter", filterClass).invoke(logger, filter);
        }

        @Override
        public void close() throws Exception {
            logger.getClass().getMethod("setFilter", Class.forName("java.util.logging.Filter")).invoke(logger, (Object) null);
        }
    }

    @Test
    void aFlushErrorWhoseReportFailsLeavesTheFlusherRunning(TestInfo test) throws Exception {
        Path data = TestData.directory(test);
        Faults disk = new Faults();
        try (FailingReport report = new FailingReport();
             FileStorageEngine engine = Engines.open(data, 1 << 20, FsyncPolicy.NEVER, disk)) {
            engine.append(KEY, List.of(Engines.sized(0, 500)));
            disk.storeWriteThrows = new InternalError("injected: an Error from the flush");
            await("the failed flush was reported").atMost(Duration.ofSeconds(10)).until(() -> !report.armed.get());
            disk.storeWriteThrows = null;

            engine.append(OTHER, List.of(Engines.sized(1, 500)));
            await("the acknowledged records of a partition appended to later were written, the engine still open")
                    .atMost(Duration.ofSeconds(10)).until(() -> Engines.storedBytes(data, OTHER) > 500);
            assertThat(engine.flusher().running()).isTrue();
        }
    }
}
