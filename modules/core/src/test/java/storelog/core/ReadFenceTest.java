package storelog.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import storelog.api.DataType;
import storelog.api.OffsetOutOfRangeException;
import storelog.api.PartitionKey;
import storelog.api.Record;
import storelog.api.Settings;
import storelog.api.spi.StorageEngine;
import storelog.testkit.TestData;

/** Readers see only committed records once the fence is on: one record, a range, a long poll. */
class ReadFenceTest {

    private static final PartitionKey KEY = PartitionKey.of("events");

    private StorageEngine engine;
    private LogService log;

    @BeforeEach
    void setUp(TestInfo test) {
        Path dir = TestData.directory(test);
        engine = PluginRegistry.bootLayer().storageEngine("file").open(Settings.of(Map.of("DATA_DIR", dir.toString())));
        log = new LogService(engine, Clock.systemUTC());
        for (int i = 0; i < 3; i++) {
            log.publish(KEY, new Payload(DataType.STRING, ("r" + i).getBytes(StandardCharsets.UTF_8)));
        }
    }

    @AfterEach
    void tearDown() {
        engine.close();
    }

    @Test
    void offEverythingStoredIsServed() {
        assertThat(log.read(KEY, 2).text()).isEqualTo("r2");
        assertThat(log.visibleEnd(KEY)).isEqualTo(3);
    }

    @Test
    void onOnlyWhatIsCommittedIsServedAndTheEndOnlyRises() {
        log.readFence().enable();
        assertThat(log.visibleEnd(KEY)).isZero();
        assertThatThrownBy(() -> log.read(KEY, 0)).isInstanceOf(OffsetOutOfRangeException.class);
        assertThat(log.records(KEY, 0, 10)).isEmpty();

        log.readFence().raise(KEY, 2);
        assertThat(log.read(KEY, 1).text()).isEqualTo("r1");
        assertThatThrownBy(() -> log.read(KEY, 2)).isInstanceOf(OffsetOutOfRangeException.class)
                .satisfies(e -> assertThat(((OffsetOutOfRangeException) e).nextOffset()).isEqualTo(2));
        assertThat(log.records(KEY, 0, 10)).extracting(Record::text).containsExactly("r0", "r1");
        assertThat(log.records(KEY, 2, 10)).isEmpty();
        assertThatThrownBy(() -> log.records(KEY, 3, 10)).isInstanceOf(OffsetOutOfRangeException.class);

        log.readFence().raise(KEY, 1);
        assertThat(log.visibleEnd(KEY)).as("never lowered").isEqualTo(2);
        log.readFence().raise(KEY, 99);
        assertThat(log.visibleEnd(KEY)).as("never past what is stored").isEqualTo(3);
    }

    @Test
    void aLongPollBetweenTheCommittedAndTheStoredEndWaitsAndWakesWhenTheFenceRises() throws Exception {
        log.readFence().enable();
        log.readFence().raise(KEY, 1);
        CompletableFuture<List<Record>> waiting = CompletableFuture.supplyAsync(
                () -> log.awaitRecords(KEY, 1, 10, Duration.ofSeconds(30)));
        assertThat(log.awaitRecords(KEY, 2, 10, Duration.ZERO)).as("also past the committed end: no error, nothing yet").isEmpty();

        log.readFence().raise(KEY, 3);
        assertThat(waiting.get(10, TimeUnit.SECONDS)).extracting(Record::text).containsExactly("r1", "r2");
    }
}
