package storelog.connector.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.ExtendWith;
import storelog.api.PartitionKey;
import storelog.api.Record;
import storelog.api.Settings;
import storelog.api.spi.StorageEngine;
import storelog.core.PluginRegistry;
import storelog.server.StoreLogServer;
import storelog.testkit.TestData;

/**
 * End to end: a StoreLog node with CONNECTOR=kafka stores GoStoreLog-shaped messages from a real
 * broker at gap-free offsets; restarted in the middle of the stream it neither loses nor duplicates
 * a message; malformed messages are counted and skipped.
 */
@ExtendWith(KafkaBroker.Shared.class)
class StoreLogIngestTest {

    private static final int KAFKA_PARTITIONS = 3;
    private static final int PER_PARTITION_EACH_PHASE = 100;
    private static final Pattern NEXT_OFFSET = Pattern.compile("\"next_offset\":(\\d+)");
    private static KafkaBroker broker;

    @BeforeAll
    static void broker(KafkaBroker shared) {
        broker = shared;
    }

    @Test
    void aRestartInTheMiddleNeitherLosesNorDuplicates(TestInfo test) throws Exception {
        Path data = TestData.directory(test);
        String topic = Kafkas.unique("storage-topic");
        String group = Kafkas.unique("storelog");
        broker.createTopic(topic, KAFKA_PARTITIONS);
        List<String> malformed = List.of("not json", "{\"data\":1,\"data_type\":9,\"partition_key\":\"p0\"}",
                "{\"data\":1,\"partition_key\":\"__reserved\"}");
        broker.produce(topic, 0, malformed);
        produce(topic, 0);

        try (StoreLogServer first = StoreLogServer.start(settings(data, topic, group))) {
            Kafkas.await("half of the first phase stored", () -> stored(first) >= KAFKA_PARTITIONS * PER_PARTITION_EACH_PHASE / 2);
            Kafkas.await("malformed messages counted", () -> get(first, "/metrics").contains("storelog_connector_messages_malformed_total 3"));
        } // a graceful stop while the stream is being consumed
        produce(topic, PER_PARTITION_EACH_PHASE);
        try (StoreLogServer second = StoreLogServer.start(settings(data, topic, group))) {
            Kafkas.await("both phases stored", () -> stored(second) >= 2L * KAFKA_PARTITIONS * PER_PARTITION_EACH_PHASE,
                    () -> stored(second));
        }

        try (StorageEngine engine = PluginRegistry.bootLayer().storageEngine("file")
                .open(Settings.of(Map.of("DATA_DIR", data.toString())))) {
            for (int k = 0; k < KAFKA_PARTITIONS; k++) {
                List<Record> records = engine.read(PartitionKey.of("p" + k), 0, 10_000, Long.MAX_VALUE);
                List<String> expected = new ArrayList<>();
                for (int i = 0; i < 2 * PER_PARTITION_EACH_PHASE; i++) {
                    expected.add("m" + k + "-" + i);
                }
                assertThat(records).extracting(Record::text).as("partition p%d: each message once, in order", k)
                        .containsExactlyElementsOf(expected);
                for (int i = 0; i < records.size(); i++) {
                    assertThat(records.get(i).offset()).isEqualTo(i);
                }
            }
            assertThat(engine.info(PartitionKey.of("__reserved"))).isEmpty();
        }
    }

    /** GoStoreLog-shaped messages {@code m<k>-<i>} for partition key {@code p<k>}, each key on its own Kafka partition. */
    private static void produce(String topic, int from) {
        for (int k = 0; k < KAFKA_PARTITIONS; k++) {
            List<String> messages = new ArrayList<>();
            for (int i = from; i < from + PER_PARTITION_EACH_PHASE; i++) {
                messages.add("{\"data\":\"m" + k + "-" + i + "\",\"data_type\":2,\"partition_key\":\"p" + k + "\"}");
            }
            broker.produce(topic, k, messages);
        }
    }

    private static Settings settings(Path data, String topic, String group) {
        Map<String, String> values = new HashMap<>(Map.of("DATA_DIR", data.toString(), "HTTP_PORT", "0", "HTTP_HOST", "127.0.0.1",
                "CONNECTOR", "kafka", "CONNECTOR_TOPIC", topic, "KAFKA_BOOTSTRAP", broker.bootstrap(), "KAFKA_GROUP", group));
        Path noPlugins = data.resolve("no-plugins"); // a PLUGINS_DIR that is set must exist
        try {
            Files.createDirectories(noPlugins);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        values.put("PLUGINS_DIR", noPlugins.toString());
        return Settings.of(values);
    }

    /** Records stored in all partitions, from {@code GET /partitions}. */
    private static long stored(StoreLogServer server) {
        Matcher m = NEXT_OFFSET.matcher(get(server, "/partitions"));
        long total = 0;
        while (m.find()) {
            total += Long.parseLong(m.group(1));
        }
        return total;
    }

    private static String get(StoreLogServer server, String path) {
        try (InputStream in = URI.create("http://127.0.0.1:" + server.port() + path).toURL().openStream()) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
