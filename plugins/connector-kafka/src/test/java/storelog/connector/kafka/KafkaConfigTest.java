package storelog.connector.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import storelog.api.InvalidSettingException;
import storelog.api.Settings;
import storelog.testkit.TestData;

class KafkaConfigTest {

    @Test
    void defaults() {
        KafkaConfig config = KafkaConfig.from(Settings.of(Map.of()));
        assertThat(config).isEqualTo(new KafkaConfig("localhost:9092", "storelog-node1", 30_000, 500, null, Map.of()));
        assertThat(config.consumerProperties()).containsEntry("enable.auto.commit", false)
                .containsEntry("auto.offset.reset", "earliest").containsEntry("group.id", "storelog-node1")
                .containsEntry("isolation.level", "read_committed").containsEntry("max.poll.records", 500);
        assertThat(config.producerProperties()).containsEntry("acks", "all").containsEntry("enable.idempotence", true)
                .containsEntry("max.block.ms", 30_000L).containsEntry("delivery.timeout.ms", 30_000)
                .containsEntry("request.timeout.ms", "30000").containsEntry("linger.ms", "0");
    }

    @Test
    void theDefaultGroupIsNamedAfterTheNode() {
        assertThat(KafkaConfig.from(Settings.of(Map.of("NODE_ID", "node7"))).group()).isEqualTo("storelog-node7");
        assertThat(KafkaConfig.from(Settings.of(Map.of("NODE_ID", "node7", "KAFKA_GROUP", "ingest"))).group()).isEqualTo("ingest");
    }

    @Test
    void valuesAreReadAndAShortPublishTimeoutShortensTheRequestTimeout() {
        KafkaConfig config = KafkaConfig.from(Settings.of(Map.of("KAFKA_BOOTSTRAP", " a:9092, [::1]:9093 ,10.0.0.1:1",
                "KAFKA_PUBLISH_TIMEOUT_MS", "1000", "KAFKA_MAX_POLL_RECORDS", "1")));
        assertThat(config.bootstrap()).isEqualTo("a:9092,[::1]:9093,10.0.0.1:1");
        assertThat(config.maxPollRecords()).isEqualTo(1);
        assertThat(config.producerProperties()).containsEntry("max.block.ms", 1000L)
                .containsEntry("request.timeout.ms", "1000").containsEntry("delivery.timeout.ms", 1000);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "KAFKA_BOOTSTRAP|nohost|KAFKA_BOOTSTRAP=nohost: expected host:port[,host:port...]",
            "KAFKA_BOOTSTRAP|host:0|KAFKA_BOOTSTRAP=host:0: expected host:port",
            "KAFKA_BOOTSTRAP|host:65536|KAFKA_BOOTSTRAP=host:65536: expected host:port",
            "KAFKA_BOOTSTRAP|host:x|KAFKA_BOOTSTRAP=host:x: expected host:port",
            "KAFKA_BOOTSTRAP|a:1,,b:2|KAFKA_BOOTSTRAP=a:1,,b:2: expected host:port",
            "KAFKA_BOOTSTRAP|a b:1|KAFKA_BOOTSTRAP=a b:1: expected host:port",
            "KAFKA_GROUP|my group|KAFKA_GROUP=my group: expected a consumer group id",
            "NODE_ID|node 1|KAFKA_GROUP=storelog-node 1: expected a consumer group id",
            "KAFKA_PUBLISH_TIMEOUT_MS|99|KAFKA_PUBLISH_TIMEOUT_MS=99: expected a number from 100 to 3600000",
            "KAFKA_PUBLISH_TIMEOUT_MS|5s|KAFKA_PUBLISH_TIMEOUT_MS=5s: expected a whole number",
            "KAFKA_MAX_POLL_RECORDS|0|KAFKA_MAX_POLL_RECORDS=0: expected a number from 1 to 100000",
            "KAFKA_MAX_POLL_RECORDS|many|KAFKA_MAX_POLL_RECORDS=many: expected a whole number"})
    void aBadValueIsNamedWithItsVariable(String variable, String value, String message) {
        String named = variable.equals("NODE_ID") ? "KAFKA_GROUP" : variable;
        assertThatThrownBy(() -> new KafkaConnectorProvider().open(Settings.of(Map.of(variable, value))))
                .isInstanceOfSatisfying(InvalidSettingException.class, e -> {
                    assertThat(e.name()).isEqualTo(named);
                    assertThat(e.getMessage()).startsWith(message);
                });
    }

    @Test
    void thePropertiesFileAddsClientSettings(TestInfo test) throws Exception {
        Path file = TestData.directory(test).resolve("client.properties");
        Files.writeString(file, "security.protocol=PLAINTEXT\nclient.id = storelog-test \nlinger.ms=20\nrequest.timeout.ms=40000\n");
        KafkaConfig config = KafkaConfig.from(Settings.of(Map.of("KAFKA_PROPERTIES_FILE", file.toString())));
        assertThat(config.clientProperties()).containsExactlyInAnyOrderEntriesOf(Map.of("security.protocol", "PLAINTEXT",
                "client.id", "storelog-test", "linger.ms", "20", "request.timeout.ms", "40000"));
        assertThat(config.consumerProperties()).containsEntry("client.id", "storelog-test");
        assertThat(config.producerProperties()).containsEntry("linger.ms", "20")
                .as("delivery.timeout.ms >= linger.ms + request.timeout.ms").containsEntry("delivery.timeout.ms", 40_020);
    }

    @Test
    void thePropertiesFileMayNotSetWhatTheConnectorSets(TestInfo test) throws Exception {
        Path file = TestData.directory(test).resolve("client.properties");
        Files.writeString(file, "enable.auto.commit=true\nacks=1\nclient.id=x\n");
        assertThatThrownBy(() -> KafkaConfig.from(Settings.of(Map.of("KAFKA_PROPERTIES_FILE", file.toString()))))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageStartingWith("KAFKA_PROPERTIES_FILE=" + file + ": sets acks, enable.auto.commit, which the connector sets itself");
    }

    @Test
    void aPropertiesFileWithAValueKafkaRefusesIsABadSetting(TestInfo test) throws Exception {
        Path file = TestData.directory(test).resolve("client.properties");
        Files.writeString(file, "security.protocol=CARRIER_PIGEON\n");
        assertThatThrownBy(() -> KafkaConfig.from(Settings.of(Map.of("KAFKA_PROPERTIES_FILE", file.toString()))))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageStartingWith("KAFKA_PROPERTIES_FILE=" + file + ": kafka-clients refuses the configuration: ")
                .hasMessageContaining("security.protocol");
    }

    @Test
    void aMissingPropertiesFileIsABadSetting(TestInfo test) {
        Path file = TestData.directory(test).resolve("absent.properties");
        assertThatThrownBy(() -> KafkaConfig.from(Settings.of(Map.of("KAFKA_PROPERTIES_FILE", file.toString()))))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageStartingWith("KAFKA_PROPERTIES_FILE=" + file + ": cannot be read as a properties file: ")
                .hasMessageContaining("NoSuchFileException");
    }
}
