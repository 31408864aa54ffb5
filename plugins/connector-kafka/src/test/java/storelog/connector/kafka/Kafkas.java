package storelog.connector.kafka;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.stream.IntStream;
import storelog.api.Settings;
import storelog.api.spi.Connector;
import storelog.api.spi.Message;

/** Test helpers: connectors on the test broker, unique names, text payloads, recording handlers, polling. */
final class Kafkas {

    /** How long a test waits for something that should happen. */
    static final long DEADLINE_SECONDS = 30;

    private Kafkas() {
    }

    /** A connector on {@code broker} in {@code group}, with further settings as name, value, name, value ... */
    static Connector open(KafkaBroker broker, String group, String... settings) {
        Map<String, String> map = new HashMap<>();
        map.put("KAFKA_BOOTSTRAP", broker.bootstrap());
        map.put("KAFKA_GROUP", group);
        for (int i = 0; i < settings.length; i += 2) {
            map.put(settings[i], settings[i + 1]);
        }
        return new KafkaConnectorProvider().open(Settings.of(map));
    }

    /** {@code prefix-<random>}: topics and groups of one test never meet another test's. */
    static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    static String text(Message message) {
        return new String(message.payload(), StandardCharsets.UTF_8);
    }

    static List<String> texts(List<Message> messages) {
        return messages.stream().map(Kafkas::text).toList();
    }

    /** {@code prefix0 ... prefix(count-1)}. */
    static List<String> numbered(String prefix, int from, int count) {
        return IntStream.range(from, from + count).mapToObj(i -> prefix + i).toList();
    }

    /** Waits until {@code condition} holds, failing with {@code what} after {@link #DEADLINE_SECONDS}. */
    static void await(String what, BooleanSupplier condition) throws InterruptedException {
        await(what, condition, () -> "");
    }

    static void await(String what, BooleanSupplier condition, Supplier<Object> state) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(DEADLINE_SECONDS);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + DEADLINE_SECONDS + " s waiting for " + what + " " + state.get());
            }
            // polling with a deadline: the broker gives no event to wait for
            TimeUnit.MILLISECONDS.sleep(20);
        }
    }
}
