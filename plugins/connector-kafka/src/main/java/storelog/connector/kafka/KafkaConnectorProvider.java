package storelog.connector.kafka;

import storelog.api.Settings;
import storelog.api.spi.Connector;
import storelog.api.spi.ConnectorProvider;

/**
 * The {@code kafka} connector: topics are Kafka topics, reached with kafka-clients. Settings (all
 * optional; see {@link KafkaConfig} for ranges):
 * <ul>
 *   <li>{@code KAFKA_BOOTSTRAP}: the brokers to start from, {@code host:port[,host:port...]}
 *       (default {@code localhost:9092});</li>
 *   <li>{@code KAFKA_GROUP}: the consumer group of every subscription (default
 *       {@code storelog-<NODE_ID>}, {@code storelog-node1} when {@code NODE_ID} is unset);</li>
 *   <li>{@code KAFKA_PUBLISH_TIMEOUT_MS}: how long a publish may take before it fails (default
 *       30000);</li>
 *   <li>{@code KAFKA_MAX_POLL_RECORDS}: the most messages handled between two commits (default 500);
 *       also the most a crash can make the group deliver again;</li>
 *   <li>{@code KAFKA_PROPERTIES_FILE}: a Java properties file of further kafka-clients settings for
 *       both the producer and the consumers, e.g. {@code security.protocol}, {@code sasl.*},
 *       {@code ssl.*}, {@code client.id} (default none). The settings the connector's guarantees rest
 *       on are refused there.</li>
 * </ul>
 * The delivery, commit, retry, publish and close policies are those of {@link KafkaConnector}.
 */
public final class KafkaConnectorProvider implements ConnectorProvider {

    /** The connector's configuration name. */
    public static final String NAME = "kafka";

    public KafkaConnectorProvider() {
        // found by ServiceLoader
    }

    @Override
    public String name() {
        return NAME;
    }

    /**
     * Opens a connector. Nothing connects yet: the producer is created by the first publish and each
     * consumer by its subscribe, so an unreachable broker shows there, not here.
     *
     * @throws storelog.api.InvalidSettingException when a setting is unusable
     */
    @Override
    public Connector open(Settings settings) {
        return new KafkaConnector(KafkaConfig.from(settings));
    }
}
