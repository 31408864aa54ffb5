package storelog.connector.kafka;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import storelog.api.InvalidSettingException;
import storelog.api.Settings;

/**
 * The Kafka connector's settings.
 *
 * @param bootstrap            {@code KAFKA_BOOTSTRAP}: {@code host:port[,host:port...]} (default
 *                             {@code localhost:9092}); hosts are resolved by the clients, not here
 * @param group                {@code KAFKA_GROUP}: the consumer group id, 1 to 255 characters without
 *                             spaces or control characters (default {@code storelog-<NODE_ID>}, with
 *                             {@code node1} for an unset {@code NODE_ID})
 * @param publishTimeoutMillis {@code KAFKA_PUBLISH_TIMEOUT_MS}: how long a publish may take, waiting
 *                             for metadata and for the acknowledgement of all in-sync replicas, before
 *                             it fails (default 30000, from 100 to 3600000); also the producer's
 *                             {@code max.block.ms} and {@code delivery.timeout.ms}
 * @param maxPollRecords       {@code KAFKA_MAX_POLL_RECORDS}: the consumer's {@code max.poll.records},
 *                             the most messages handled between two commits (default 500, from 1 to
 *                             100000)
 * @param propertiesFile       {@code KAFKA_PROPERTIES_FILE}: where {@code clientProperties} came from,
 *                             or null
 * @param clientProperties     further kafka-clients settings for the producer and the consumers, read
 *                             from {@code KAFKA_PROPERTIES_FILE}; never one of {@link #RESERVED}
 */
record KafkaConfig(String bootstrap, String group, long publishTimeoutMillis, int maxPollRecords,
                   Path propertiesFile, Map<String, String> clientProperties) {

    static final String BOOTSTRAP = "KAFKA_BOOTSTRAP";
    static final String GROUP = "KAFKA_GROUP";
    static final String PUBLISH_TIMEOUT_MS = "KAFKA_PUBLISH_TIMEOUT_MS";
    static final String MAX_POLL_RECORDS = "KAFKA_MAX_POLL_RECORDS";
    static final String PROPERTIES_FILE = "KAFKA_PROPERTIES_FILE";
    /** StoreLog's node id, the default group's suffix. */
    static final String NODE_ID = "NODE_ID";

    static final String DEFAULT_BOOTSTRAP = "localhost:9092";
    static final String DEFAULT_NODE_ID = "node1";
    static final long DEFAULT_PUBLISH_TIMEOUT_MS = 30_000;
    static final long MIN_PUBLISH_TIMEOUT_MS = 100;
    static final long MAX_PUBLISH_TIMEOUT_MS = TimeUnit.HOURS.toMillis(1);
    static final int DEFAULT_MAX_POLL_RECORDS = 500;
    static final int MAX_MAX_POLL_RECORDS = 100_000;
    static final int MAX_GROUP_LENGTH = 255;
    /** The producer's request timeout when neither the publish timeout nor the properties file make it shorter. */
    static final int DEFAULT_REQUEST_TIMEOUT_MS = 30_000;

    /**
     * kafka-clients settings the connector sets itself, because its delivery and publish guarantees
     * rest on them (or they have a setting of their own): refused in {@code KAFKA_PROPERTIES_FILE}.
     */
    static final Set<String> RESERVED = Set.of(
            "bootstrap.servers", "group.id", "enable.auto.commit", "auto.offset.reset", "isolation.level",
            "max.poll.records", "key.deserializer", "value.deserializer", "key.serializer", "value.serializer",
            "acks", "enable.idempotence", "transactional.id", "max.block.ms", "delivery.timeout.ms");

    /** One broker address: a host name or IPv4 address, or an IPv6 address in brackets, and a port. */
    private static final Pattern ADDRESS = Pattern.compile("(\\[[0-9A-Fa-f:.]+\\]|[A-Za-z0-9._-]+):([0-9]{1,5})");
    private static final Pattern GROUP_ID = Pattern.compile("[^\\s\\p{Cntrl}]{1," + MAX_GROUP_LENGTH + "}");

    KafkaConfig {
        clientProperties = Map.copyOf(clientProperties);
    }

    /**
     * Reads and checks the settings, and checks the client configurations they make with
     * kafka-clients' own rules (without connecting or resolving host names).
     *
     * @throws InvalidSettingException when a value is unusable
     */
    static KafkaConfig from(Settings settings) {
        String bootstrap = bootstrap(settings.string(BOOTSTRAP, DEFAULT_BOOTSTRAP));
        String group = settings.string(GROUP, "storelog-" + settings.string(NODE_ID, DEFAULT_NODE_ID));
        if (!GROUP_ID.matcher(group).matches()) {
            throw new InvalidSettingException(GROUP, group, "expected a consumer group id of 1 to " + MAX_GROUP_LENGTH
                    + " characters without spaces or control characters"
                    + (settings.get(GROUP).isEmpty() ? " (the default, storelog-<" + NODE_ID + ">; set " + GROUP + ")" : ""));
        }
        long publishTimeout = settings.longValue(PUBLISH_TIMEOUT_MS, DEFAULT_PUBLISH_TIMEOUT_MS,
                MIN_PUBLISH_TIMEOUT_MS, MAX_PUBLISH_TIMEOUT_MS);
        int maxPollRecords = (int) settings.longValue(MAX_POLL_RECORDS, DEFAULT_MAX_POLL_RECORDS, 1, MAX_MAX_POLL_RECORDS);
        String file = settings.string(PROPERTIES_FILE, null);
        Path path = file == null ? null : path(file);
        Map<String, String> client = path == null ? Map.of() : clientProperties(file, path);
        KafkaConfig config = new KafkaConfig(bootstrap, group, publishTimeout, maxPollRecords, path, client);
        config.validate(file);
        return config;
    }

    private static String bootstrap(String value) {
        for (String address : value.split(",", -1)) {
            var matcher = ADDRESS.matcher(address.strip());
            if (!matcher.matches() || Integer.parseInt(matcher.group(2)) < 1 || Integer.parseInt(matcher.group(2)) > 65535) {
                throw new InvalidSettingException(BOOTSTRAP, value,
                        "expected host:port[,host:port...] with ports from 1 to 65535, e.g. " + DEFAULT_BOOTSTRAP);
            }
        }
        return value.replaceAll("\\s+", "");
    }

    private static Path path(String file) {
        try {
            return Path.of(file);
        } catch (InvalidPathException e) {
            throw new InvalidSettingException(PROPERTIES_FILE, file, "not a file path: " + e.getMessage());
        }
    }

    private static Map<String, String> clientProperties(String file, Path path) {
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
            properties.load(reader);
        } catch (IOException | IllegalArgumentException e) {
            throw new InvalidSettingException(PROPERTIES_FILE, file, "cannot be read as a properties file: " + e);
        }
        Set<String> refused = new TreeSet<>(properties.stringPropertyNames());
        refused.retainAll(RESERVED);
        if (!refused.isEmpty()) {
            throw new InvalidSettingException(PROPERTIES_FILE, file, "sets " + String.join(", ", refused)
                    + ", which the connector sets itself (see KAFKA_BOOTSTRAP, KAFKA_GROUP, KAFKA_PUBLISH_TIMEOUT_MS"
                    + " and KAFKA_MAX_POLL_RECORDS)");
        }
        Map<String, String> map = new LinkedHashMap<>();
        for (String name : new TreeSet<>(properties.stringPropertyNames())) {
            map.put(name, properties.getProperty(name).strip());
        }
        return map;
    }

    /** Builds both client configurations once, so kafka-clients reports bad values at open, not at first use. */
    private void validate(String file) {
        Map<String, Object> producer = producerProperties();
        producer.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        producer.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        Map<String, Object> consumer = consumerProperties();
        consumer.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        consumer.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        try {
            KafkaConnector.withPluginLoader(() -> {
                new ProducerConfig(producer);
                return new ConsumerConfig(consumer);
            });
        } catch (KafkaException e) {
            // without a properties file only the connector's own values are there, KAFKA_BOOTSTRAP's first
            throw file == null
                    ? new InvalidSettingException(BOOTSTRAP, bootstrap, "kafka-clients refuses it: " + e.getMessage())
                    : new InvalidSettingException(PROPERTIES_FILE, file, "kafka-clients refuses the configuration: " + e.getMessage());
        }
    }

    /** The producer's configuration, without serializers (the connector passes its own). */
    Map<String, Object> producerProperties() {
        Map<String, Object> map = new HashMap<>(clientProperties);
        map.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        map.put(ProducerConfig.ACKS_CONFIG, "all");
        map.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        // publishes are synchronous: waiting for companions to batch with would only add latency
        map.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, "0");
        map.putIfAbsent(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG,
                Integer.toString((int) Math.min(publishTimeoutMillis, DEFAULT_REQUEST_TIMEOUT_MS)));
        map.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, publishTimeoutMillis);
        // kafka-clients requires delivery.timeout.ms >= linger.ms + request.timeout.ms
        long floor = number(map.get(ProducerConfig.LINGER_MS_CONFIG)) + number(map.get(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG));
        map.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) Math.min(Integer.MAX_VALUE, Math.max(publishTimeoutMillis, floor)));
        return map;
    }

    /** A consumer's configuration, without deserializers (the connector passes its own). */
    Map<String, Object> consumerProperties() {
        Map<String, Object> map = new HashMap<>(clientProperties);
        map.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        map.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        map.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        map.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        // messages of aborted transactions are never stored
        map.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        map.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, maxPollRecords);
        return map;
    }

    /** A number of milliseconds from the properties file; 0 when it is not one (kafka-clients then reports it). */
    private static long number(Object value) {
        try {
            return Long.parseLong(String.valueOf(value).strip());
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
