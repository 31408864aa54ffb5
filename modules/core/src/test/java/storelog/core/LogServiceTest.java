package storelog.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import storelog.api.DataType;
import storelog.api.InvalidPartitionKeyException;
import storelog.api.InvalidRecordException;
import storelog.api.InvalidSettingException;
import storelog.api.NewRecord;
import storelog.api.OffsetOutOfRangeException;
import storelog.api.PartitionInfo;
import storelog.api.PartitionKey;
import storelog.api.Record;
import storelog.api.Settings;
import storelog.api.UnknownPartitionException;
import storelog.api.spi.StorageEngine;
import storelog.testkit.TestData;

/** The use cases over the real file engine, found through ServiceLoader by name as the server does. */
class LogServiceTest {

    private static final PartitionKey KEY = PartitionKey.of("events");
    private static final Instant NOW = Instant.parse("2026-11-27T08:00:00Z");

    private StorageEngine engine;
    private LogService log;

    @BeforeEach
    void setUp(TestInfo test) {
        Path dir = TestData.directory(test);
        engine = PluginRegistry.bootLayer().storageEngine("file").open(Settings.of(Map.of("DATA_DIR", dir.toString())));
        log = new LogService(engine, Clock.fixed(NOW, ZoneOffset.UTC));
    }

    @AfterEach
    void tearDown() {
        engine.close();
    }

    @Test
    void publishedRecordsReadBackWithTypeAndTime() {
        assertThat(log.publish(KEY, json("{\"a\":1}"))).isZero();
        assertThat(log.publish(KEY, new Payload(DataType.STRING, utf8("text")))).isEqualTo(1);
        assertThat(log.publish(KEY, new Payload(DataType.BYTES, new byte[] {1, 2, 3}))).isEqualTo(2);

        Record first = log.read(KEY, 0);
        assertThat(first.type()).isEqualTo(DataType.JSON);
        assertThat(first.text()).isEqualTo("{\"a\":1}");
        assertThat(first.timestamp()).isEqualTo(NOW.toEpochMilli());
        assertThat(log.read(KEY, 2).payload()).containsExactly(1, 2, 3);
    }

    @Test
    void aBatchWithOneBadRecordStoresNothing() {
        log.publish(KEY, json("1"));
        List<Payload> batch = List.of(json("{}"), json("{broken"), json("[]"));

        assertThatThrownBy(() -> log.publishBatch(KEY, batch)).isInstanceOf(InvalidRecordException.class)
                .hasMessageStartingWith("record 1: ");
        assertThat(log.partitions()).singleElement().extracting(PartitionInfo::nextOffset).isEqualTo(1L);
        assertThat(log.publishBatch(KEY, List.of(json("{}"), json("[]")))).isEqualTo(1);
    }

    @Test
    void batchesMustHoldOneToTenThousandRecords() {
        assertThatThrownBy(() -> log.publishBatch(KEY, List.of())).isInstanceOf(InvalidRecordException.class);
        List<Payload> tooMany = new ArrayList<>();
        for (int i = 0; i <= LogService.MAX_BATCH_RECORDS; i++) {
            tooMany.add(json("1"));
        }
        assertThatThrownBy(() -> log.publishBatch(KEY, tooMany)).isInstanceOf(InvalidRecordException.class)
                .hasMessageContaining("at most 10000");
    }

    @Test
    void clientsCannotWriteReservedPartitions() {
        assertThatThrownBy(() -> log.publish(PartitionKey.of("__gaps"), json("{}")))
                .isInstanceOf(InvalidPartitionKeyException.class).hasMessageContaining("reserved");
    }

    @Test
    void goStoreLogsReplicaFormNeverWritesReservedPartitions() {
        assertThatThrownBy(() -> log.appendReplica(PartitionKey.of("__gaps"), json("{}")))
                .isInstanceOf(InvalidPartitionKeyException.class).hasMessageContaining("reserved");
        assertThat(log.partitions()).isEmpty();
    }

    @Test
    void aFollowerTakesNoClientWriteAndStoresNothing() {
        LogService follower = new LogService(engine, Clock.systemUTC(), 2, () -> {
            throw new NotLeaderException("f", java.util.Optional.of("leader:1"));
        });

        assertThatThrownBy(() -> follower.publish(KEY, json("1"))).isInstanceOf(NotLeaderException.class);
        assertThatThrownBy(() -> follower.publishBatch(KEY, List.of(json("1"), json("2")))).isInstanceOf(NotLeaderException.class);
        assertThat(log.partitions()).isEmpty();
    }

    /**
     * A newer leader asks this node's state (raising its fence) between the leader check and the
     * append: its catch-up never saw the record, and may cut it. The followers' acknowledgements that
     * may still come do not make it safe, so the deposed leader must not answer "stored".
     */
    @Test
    void aWriteStoredAfterThisNodeWasDeposedIsNotAcknowledged() {
        boolean[] deposed = {false};
        StorageEngine racing = new storelog.api.spi.ForwardingStorageEngine(engine) {
            @Override
            public long append(PartitionKey partition, long epoch, List<NewRecord> records) {
                deposed[0] = true; // the epoch-8 leader's /replica/state arrives now
                return super.append(partition, epoch, records);
            }
        };
        LogService leader = new LogService(racing, Clock.systemUTC(), 2, () -> {
            if (deposed[0]) {
                throw new NotLeaderException("old", java.util.Optional.of("new:1"));
            }
            return 7;
        });

        assertThatThrownBy(() -> leader.publish(KEY, json("1"))).isInstanceOf(NotEnoughReplicasException.class)
                .hasMessageContaining("stopped leading");
        assertThat(engine.info(KEY).orElseThrow().nextOffset()).as("stored here; its outcome is unknown").isEqualTo(1);
    }

    @Test
    void aTermEndingWhileAStoredWriteWaitsForItsFollowersIsAnUnknownOutcomeNotARefusal() {
        LogService leader = new LogService(engine, Clock.systemUTC(), 2, () -> 7);
        leader.replication(new Replication() {
            @Override
            public void beforeWrite(PartitionKey partition) {
            }

            @Override
            public void awaitAcknowledged(PartitionKey partition, long end) {
                throw new NotLeaderException("old", java.util.Optional.empty()); // the term ended meanwhile
            }
        });

        assertThatThrownBy(() -> leader.publish(KEY, json("1"))).isInstanceOf(NotEnoughReplicasException.class)
                .satisfies(e -> assertThat(((NotEnoughReplicasException) e).stored()).isTrue());
        assertThat(engine.info(KEY).orElseThrow().nextOffset()).as("stored: not_leader would say it was not").isEqualTo(1);
    }

    @Test
    void clientWritesAreStampedWithTheLeadersEpochAndWaitForTheAcknowledgementRule() {
        LogService leader = new LogService(engine, Clock.systemUTC(), 2, () -> 7);
        List<String> asked = new ArrayList<>();
        leader.replication(new Replication() {
            @Override
            public void beforeWrite(PartitionKey partition) {
                asked.add("before " + partition.value());
            }

            @Override
            public void awaitAcknowledged(PartitionKey partition, long end) {
                asked.add("await " + partition.value() + " " + end + " stored " + engine.info(partition).orElseThrow().nextOffset());
            }
        });

        leader.publishBatch(KEY, List.of(json("1"), json("2")));

        assertThat(asked).containsExactly("before events", "await events 2 stored 2");
        assertThat(engine.epochs(KEY)).containsExactly(new storelog.api.EpochStart(7, 0));
    }

    @Test
    void rangeReadsAndTheirErrors() {
        for (int i = 0; i < 10; i++) {
            log.publish(KEY, json(String.valueOf(i)));
        }
        assertThat(log.records(KEY, 3, 4)).extracting(Record::text).containsExactly("3", "4", "5", "6");
        assertThat(log.records(KEY, 10, 4)).isEmpty();
        assertThatThrownBy(() -> log.records(KEY, 11, 4)).isInstanceOf(OffsetOutOfRangeException.class);
        assertThatThrownBy(() -> log.records(PartitionKey.of("none"), 0, 4)).isInstanceOf(UnknownPartitionException.class);
        assertThatThrownBy(() -> log.records(KEY, 0, 0)).isInstanceOf(InvalidRecordException.class);
    }

    @Test
    void aWaitingReaderWakesWhenARecordArrives() throws Exception {
        log.publish(KEY, json("0"));
        long start = System.nanoTime();
        CompletableFuture<List<Record>> tail = CompletableFuture.supplyAsync(
                () -> log.awaitRecords(KEY, 1, 10, Duration.ofSeconds(30)));
        log.publish(KEY, json("1"));

        assertThat(tail.get(20, TimeUnit.SECONDS)).extracting(Record::text).containsExactly("1");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(20));
    }

    @Test
    void aWaitingReaderOfANewPartitionWakesOnItsFirstRecord() throws Exception {
        PartitionKey fresh = PartitionKey.of("fresh");
        CompletableFuture<List<Record>> tail = CompletableFuture.supplyAsync(
                () -> log.awaitRecords(fresh, 0, 10, Duration.ofSeconds(30)));
        log.publish(fresh, json("\"first\""));
        assertThat(tail.get(20, TimeUnit.SECONDS)).extracting(Record::text).containsExactly("\"first\"");
    }

    @Test
    void aWaitingReaderReturnsEmptyAtTheDeadline() {
        log.publish(KEY, json("0"));
        long start = System.nanoTime();

        assertThat(log.awaitRecords(KEY, 1, 10, Duration.ofMillis(200))).isEmpty();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(200));
    }

    @Test
    void stoppingReleasesWaitingReadersAtOnceTellingThemTheNodeShutsDown() throws Exception {
        log.publish(KEY, json("0"));
        CompletableFuture<List<Record>> tail = CompletableFuture.supplyAsync(
                () -> log.awaitRecords(KEY, 1, 10, Duration.ofMinutes(10)));
        awaitWaiting(log, 1);
        long start = System.nanoTime();
        log.stopWaiting();

        assertThatThrownBy(() -> tail.get(20, TimeUnit.SECONDS)).hasCauseInstanceOf(ShuttingDownException.class);
        assertThatThrownBy(() -> log.awaitRecords(KEY, 1, 10, Duration.ofMinutes(10)))
                .isInstanceOfSatisfying(ShuttingDownException.class, e -> assertThat(e.code()).isEqualTo("shutting_down"));
        assertThat(log.awaitRecords(KEY, 0, 10, Duration.ofMinutes(10))).as("records that are there are still served").hasSize(1);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(20));
    }

    @Test
    void readersThatWaitedOnAHundredThousandUniquePartitionsLeaveNothingBehind() throws Exception {
        LogService log = new LogService(engine, Clock.systemUTC(), 100_000, LeaderCheck.STANDALONE);
        List<Future<List<Record>>> waits = new ArrayList<>();
        try (ExecutorService readers = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < 100_000; i++) {
                PartitionKey unique = PartitionKey.of("unique-" + i);
                waits.add(readers.submit(() -> log.awaitRecords(unique, 0, 1, Duration.ofMillis(1))));
            }
        }
        for (Future<List<Record>> wait : waits) {
            assertThat(wait.get()).isEmpty();
        }
        assertThat(log.longPollMetrics()).containsEntry("partitions", 0L).containsEntry("waiting", 0L);
    }

    @Test
    void readersBeyondTheLongPollBoundAreRefusedWhileOthersStillRead() throws Exception {
        LogService log = new LogService(engine, Clock.systemUTC(), 2, LeaderCheck.STANDALONE);
        log.publish(KEY, json("0"));
        ExecutorService readers = Executors.newVirtualThreadPerTaskExecutor();
        Future<List<Record>> first = readers.submit(() -> log.awaitRecords(KEY, 1, 10, Duration.ofMinutes(1)));
        Future<List<Record>> second = readers.submit(() -> log.awaitRecords(PartitionKey.of("other"), 0, 10, Duration.ofMinutes(1)));
        awaitWaiting(log, 2);

        assertThatThrownBy(() -> log.awaitRecords(KEY, 1, 10, Duration.ofMinutes(1)))
                .isInstanceOf(TooManyLongPollsException.class).hasMessageContaining("MAX_LONG_POLLS");
        assertThat(log.awaitRecords(KEY, 0, 10, Duration.ofMinutes(1))).as("a reader with records to read does not wait").hasSize(1);
        assertThat(log.longPollMetrics()).containsEntry("refused_total", 1L);

        log.publish(KEY, json("1"));
        log.publish(PartitionKey.of("other"), json("2"));
        assertThat(first.get(20, TimeUnit.SECONDS)).hasSize(1);
        assertThat(second.get(20, TimeUnit.SECONDS)).hasSize(1);
        readers.close();
        assertThat(log.longPollMetrics()).containsEntry("waiting", 0L).containsEntry("partitions", 0L);
    }

    private static void awaitWaiting(LogService log, long readers) {
        await(readers + " readers waiting").atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(5))
                .until(() -> log.longPollMetrics().get("waiting") >= readers);
    }

    @Test
    void aReaderBehindTheEndDoesNotWait() {
        log.publish(KEY, json("0"));
        assertThat(log.awaitRecords(KEY, 0, 10, Duration.ofHours(1))).hasSize(1);
    }

    @Test
    void anUnknownEngineNameIsASettingError() {
        assertThatThrownBy(() -> PluginRegistry.bootLayer().storageEngine("rocks"))
                .isInstanceOfSatisfying(InvalidSettingException.class, e -> {
                    assertThat(e.name()).isEqualTo("STORAGE");
                    assertThat(e.getMessage()).startsWith("STORAGE=rocks: ").contains("found: file");
                });
    }

    private static Payload json(String text) {
        return new Payload(DataType.JSON, utf8(text));
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
