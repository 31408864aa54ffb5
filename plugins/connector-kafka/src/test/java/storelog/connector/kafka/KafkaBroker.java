package storelog.connector.kafka;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import storelog.testkit.ChildJvm;
import storelog.testkit.TestData;

/**
 * A single-node KRaft Kafka broker (broker and controller in one) on 127.0.0.1, run in a child JVM
 * from the jars of the test class path (the test dependency {@code org.apache.kafka:kafka_2.13}),
 * with its data under {@code test-data/KafkaBroker/broker/}. One broker serves the whole test run:
 * test classes get it as a parameter of their {@code @BeforeAll} method through {@link Shared}, which
 * starts it on first use and stops it when the run ends. Test classes keep apart by topic and group
 * names. Also a few admin, produce and read helpers.
 */
final class KafkaBroker implements AutoCloseable {

    /** How long the broker may take to answer after it starts. */
    private static final long START_SECONDS = 60;
    private static final long STOP_SECONDS = 10;

    private final Path dir;
    private final Process process;
    private final String bootstrap;
    private final Admin admin;

    private KafkaBroker(Path dir, Process process, String bootstrap, Admin admin) {
        this.dir = dir;
        this.process = process;
        this.bootstrap = bootstrap;
        this.admin = admin;
    }

    /** Gives test classes the run's broker, started on first use and stopped when the run ends. */
    static final class Shared implements ParameterResolver {
        @Override
        public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
            return parameter.getParameter().getType() == KafkaBroker.class;
        }

        @Override
        public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
            return context.getRoot().getStore(ExtensionContext.Namespace.create(KafkaBroker.class))
                    .getOrComputeIfAbsent("broker", key -> new Handle(start()), Handle.class).broker();
        }
    }

    /** Stops the broker when JUnit closes the root store, at the end of the run. */
    @SuppressWarnings("deprecation") // CloseableResource: what JUnit 5.12 closes
    private record Handle(KafkaBroker broker) implements ExtensionContext.Store.CloseableResource {
        @Override
        public void close() {
            broker.close();
        }
    }

    String bootstrap() {
        return bootstrap;
    }

    /** Starts a broker and waits until it answers. */
    static KafkaBroker start() {
        Path dir = TestData.directory(KafkaBroker.class, "broker");
        try {
            int port = freePort();
            int controllerPort = freePort();
            String bootstrap = "127.0.0.1:" + port;
            Path properties = dir.resolve("server.properties");
            Files.writeString(properties, String.join("\n",
                    "process.roles=broker,controller",
                    "node.id=1",
                    "controller.quorum.voters=1@127.0.0.1:" + controllerPort,
                    "listeners=PLAINTEXT://" + bootstrap + ",CONTROLLER://127.0.0.1:" + controllerPort,
                    "advertised.listeners=PLAINTEXT://" + bootstrap,
                    "controller.listener.names=CONTROLLER",
                    "inter.broker.listener.name=PLAINTEXT",
                    "listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT",
                    "log.dirs=" + dir.resolve("data"),
                    "num.partitions=1",
                    "offsets.topic.replication.factor=1",
                    "offsets.topic.num.partitions=1",
                    "transaction.state.log.replication.factor=1",
                    "transaction.state.log.min.isr=1",
                    "share.coordinator.state.topic.replication.factor=1",
                    "share.coordinator.state.topic.min.isr=1",
                    "group.initial.rebalance.delay.ms=0",
                    "auto.create.topics.enable=false",
                    ""), StandardCharsets.UTF_8);
            String classPath = classPath();
            Path java = Path.of(System.getProperty("java.home"), "bin", "java");

            Process format = new ProcessBuilder(java.toString(), "-Xmx256m", "-XX:TieredStopAtLevel=1", "-cp", classPath,
                    "kafka.tools.StorageTool", "format", "-t", Uuid.randomUuid().toString(), "-c", properties.toString())
                    .redirectErrorStream(true).redirectOutput(dir.resolve("format.out").toFile()).start();
            if (!format.waitFor(START_SECONDS, TimeUnit.SECONDS) || format.exitValue() != 0) {
                format.destroyForcibly();
                throw new IllegalStateException("formatting the broker's storage failed:\n" + tail(dir.resolve("format.out")));
            }

            Process process = new ProcessBuilder(java.toString(), "-Xms256m", "-Xmx1g", "-XX:+UseSerialGC",
                    "-cp", classPath, BrokerMain.class.getName(), properties.toString())
                    .redirectErrorStream(true).redirectOutput(dir.resolve("broker.out").toFile()).start();
            Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                    AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2000,
                    AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 3000));
            KafkaBroker broker = new KafkaBroker(dir, process, bootstrap, admin);
            try {
                broker.awaitAnswer();
            } catch (RuntimeException | Error e) {
                broker.close();
                throw e;
            }
            return broker;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private void awaitAnswer() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(START_SECONDS);
        Exception last = null;
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("the broker exited with " + process.exitValue() + ":\n" + tail(dir.resolve("broker.out")));
            }
            try {
                admin.listTopics().names().get(3, TimeUnit.SECONDS);
                return;
            } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
                last = e;
            }
        }
        throw new IllegalStateException("the broker did not answer within " + START_SECONDS + " s (" + last + "):\n"
                + tail(dir.resolve("broker.out")));
    }

    /** The jars of the test class path and module path (kafka_2.13 and its dependencies), and this module's classes. */
    private static String classPath() {
        Set<String> entries = new LinkedHashSet<>();
        for (String property : List.of("jdk.module.path", "java.class.path")) {
            String value = System.getProperty(property, "");
            for (String entry : value.split(File.pathSeparator)) {
                if (entry.endsWith(".jar")) {
                    entries.add(entry);
                }
            }
        }
        // BrokerMain, and the plugin's SLF4J provider: the broker's warnings and errors go to broker.out
        entries.add(location(BrokerMain.class));
        entries.add(location(KafkaClientLogging.class));
        if (entries.stream().noneMatch(e -> Path.of(e).getFileName().toString().startsWith("kafka_2.13-"))) {
            throw new IllegalStateException("kafka_2.13 is not on the test class path: " + entries);
        }
        return String.join(File.pathSeparator, entries);
    }

    private static String location(Class<?> type) {
        return ChildJvm.classPath(type);
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static String tail(Path file) {
        try {
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(" + file + " cannot be read: " + e + ")";
        }
    }

    /** Creates a topic and waits until it exists. */
    void createTopic(String name, int partitions) {
        try {
            admin.createTopics(List.of(new NewTopic(name, partitions, (short) 1))).all().get(30, TimeUnit.SECONDS);
        } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("topic " + name + " cannot be created", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Writes texts to one partition of a topic, in order, and waits for the acknowledgements. */
    void produce(String topic, int partition, List<String> texts) {
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.LINGER_MS_CONFIG, 5), new StringSerializer(), new StringSerializer())) {
            List<java.util.concurrent.Future<?>> sent = new ArrayList<>();
            for (String text : texts) {
                sent.add(producer.send(new ProducerRecord<>(topic, partition, null, text)));
            }
            for (java.util.concurrent.Future<?> future : sent) {
                future.get(30, TimeUnit.SECONDS);
            }
        } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("producing to " + topic + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Every record of a topic's partitions, read from the start, as {@code partition@offset=text}. */
    List<String> read(String topic, int partitions) {
        List<TopicPartition> all = Stream.iterate(0, p -> p + 1).limit(partitions).map(p -> new TopicPartition(topic, p)).toList();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                "bootstrap.servers", bootstrap, "isolation.level", "read_committed"),
                new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.assign(all);
            consumer.seekToBeginning(all);
            Map<TopicPartition, Long> ends = consumer.endOffsets(all, Duration.ofSeconds(10));
            List<String> records = new ArrayList<>();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (all.stream().anyMatch(p -> consumer.position(p, Duration.ofSeconds(10)) < ends.get(p))) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("reading " + topic + " took over 20 s; got " + records);
                }
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    records.add(record.partition() + "@" + record.offset() + "="
                            + new String(record.value(), StandardCharsets.UTF_8));
                }
            }
            return records;
        }
    }

    /** The offsets a group has committed on a topic's partitions (absent: none). */
    Map<TopicPartition, OffsetAndMetadata> committed(String group) {
        try {
            return admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS);
        } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("offsets of group " + group + " cannot be read", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Stops the broker: SIGTERM, then SIGKILL after {@value #STOP_SECONDS} s. Idempotent. */
    @Override
    public void close() {
        admin.close(Duration.ofSeconds(2));
        try {
            process.getOutputStream().close();
        } catch (IOException e) {
            // the watchdog ends the broker anyway when the test JVM ends
        }
        process.destroy();
        try {
            if (!process.waitFor(STOP_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(STOP_SECONDS, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
