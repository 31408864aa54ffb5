/**
 * The Kafka connector ({@code kafka}): publishes with an idempotent, acks=all producer and delivers
 * each topic through a consumer group that commits an offset only after the handler returned. A
 * drop-in plugin: built as the folder {@code target/plugin/connector-kafka/} (this jar, kafka-clients
 * and its dependencies), loaded by StoreLog as a module layer of its own. Nothing is exported: the
 * connector is reached only through {@link storelog.api.spi.ConnectorProvider}.
 */
module storelog.connector.kafka {
    requires storelog.api;
    // kafka-clients has no module descriptor nor Automatic-Module-Name: its name comes from the jar's
    // file name, kafka-clients-<version>.jar, so the plugin folder must keep that name
    requires kafka.clients;
    // kafka-clients logs through SLF4J; KafkaClientLogging sends it on to System.Logger
    requires org.slf4j;
    // kafka-clients registers every client's metrics as MBeans (an automatic module cannot say so):
    // requiring it here makes a runtime without java.management refuse the plugin at load time
    // instead of failing the first client with NoClassDefFoundError
    requires java.management;

    provides storelog.api.spi.ConnectorProvider with storelog.connector.kafka.KafkaConnectorProvider;
    provides org.slf4j.spi.SLF4JServiceProvider with storelog.connector.kafka.KafkaClientLogging;
}
