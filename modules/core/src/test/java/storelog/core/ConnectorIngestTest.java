package storelog.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import storelog.api.NewRecord;
import storelog.api.PartitionInfo;
import storelog.api.PartitionKey;
import storelog.api.Record;
import storelog.api.Settings;
import storelog.api.StorageFullException;
import storelog.api.spi.BatchFailure;
import storelog.api.spi.Connector;
import storelog.api.spi.ForwardingStorageEngine;
import storelog.api.spi.Message;
import storelog.api.spi.MessageHandler;
import storelog.api.spi.StorageEngine;
import storelog.api.spi.Subscription;
import storelog.testkit.TestData;

/** The connector handler over the real engine, fed directly (one message, or a broker's batch). */
class ConnectorIngestTest {

    private StorageEngine engine;
    private MessageHandler handler;
    private final List<String> fullKeys = new ArrayList<>();

    @BeforeEach
    void setUp(TestInfo test) {
        StorageEngine file = PluginRegistry.bootLayer().storageEngine("file")
                .open(Settings.of(Map.of("DATA_DIR", TestData.directory(test).toString())));
        engine = new DiskFullFor(file, fullKeys);
        ConnectorIngest.start(new Capturing(), "t", new LogService(engine, Clock.systemUTC()), new WireFormat(64));
    }

    @AfterEach
    void tearDown() {
        engine.close();
    }

    private static Message message(String json) {
        return new Message("t", json.getBytes(StandardCharsets.UTF_8), "t@0");
    }

    private static Message publish(String key, int n) {
        return message("{\"data\":" + n + ",\"partition_key\":\"" + key + "\"}");
    }

    private List<String> stored(String key) {
        return engine.info(PartitionKey.of(key)).isEmpty() ? List.of()
                : engine.read(PartitionKey.of(key), 0, 100, Long.MAX_VALUE).stream().map(Record::text).toList();
    }

    @Test
    void aBatchIsStoredInOrderPerKeyAndMalformedMessagesAreSkipped() throws Exception {
        handler.handleAll(List.of(publish("a", 1), publish("b", 1), message("not json"), publish("a", 2),
                message("{\"data\":1,\"partition_key\":\"__internal\"}"), publish("b", 2), publish("a", 3)));

        assertThat(stored("a")).containsExactly("1", "2", "3");
        assertThat(stored("b")).containsExactly("1", "2");
        assertThat(engine.info(PartitionKey.of("__internal"))).isEmpty();
    }

    @Test
    void aBatchCostsOneAppendPerKey() throws Exception {
        List<Message> batch = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            batch.add(publish("k" + (i % 3), i));
        }
        handler.handleAll(batch);

        assertThat(engine.metrics().get("appends_total")).isEqualTo(3);
        assertThat(engine.partitions()).extracting(PartitionInfo::nextOffset).containsExactly(100L, 100L, 100L);
    }

    @Test
    void aStorageFailureReportsTheMessagesBeforeTheFirstUnstoredOneAsHandled() {
        fullKeys.add("b");
        List<Message> batch = List.of(publish("a", 1), message("junk"), publish("b", 1), publish("a", 2));

        assertThatThrownBy(() -> handler.handleAll(batch)).isInstanceOfSatisfying(BatchFailure.class, e -> {
            assertThat(e.handled()).isEqualTo(2);
            assertThat(e.getCause()).isInstanceOf(StorageFullException.class);
        });
        assertThat(stored("a")).containsExactly("1", "2");
    }

    @Test
    void oneMessageAtATimeIsStoredAndAStorageFailureIsRethrown() throws Exception {
        handler.handle(publish("single", 7));
        assertThat(stored("single")).containsExactly("7");
        fullKeys.add("single");
        assertThatThrownBy(() -> handler.handle(publish("single", 8))).isInstanceOf(StorageFullException.class);
    }

    /** A connector that only remembers the handler. */
    private final class Capturing implements Connector {
        @Override
        public void publish(String topic, byte[] message) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Subscription subscribe(String topic, MessageHandler h) {
            handler = h;
            return () -> { };
        }

        @Override
        public void close() {
        }
    }

    /** The real engine, with a full disk for some keys. */
    private static final class DiskFullFor extends ForwardingStorageEngine {
        private final List<String> full;

        DiskFullFor(StorageEngine real, List<String> full) {
            super(real);
            this.full = full;
        }

        @Override
        public long append(PartitionKey partition, long epoch, List<NewRecord> records) {
            if (full.contains(partition.value())) {
                throw new StorageFullException("disk full", null);
            }
            return super.append(partition, epoch, records);
        }
    }
}
