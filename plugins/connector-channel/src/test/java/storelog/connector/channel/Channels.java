package storelog.connector.channel;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import storelog.api.Settings;
import storelog.api.spi.Connector;
import storelog.api.spi.Message;
import storelog.testkit.Inbox;

/** Test helpers: connectors, text payloads, and handlers that record or hold what they receive. */
final class Channels {

    /** How long a test waits for something that should happen. */
    static final long DEADLINE_SECONDS = 10;
    /** How long a test watches for something that must not happen (a blocked call returning). */
    static final long STILL_BLOCKED_MILLIS = 150;

    private Channels() {
    }

    /** A connector with settings given as name, value, name, value ... */
    static Connector open(String... settings) {
        Map<String, String> map = new HashMap<>();
        for (int i = 0; i < settings.length; i += 2) {
            map.put(settings[i], settings[i + 1]);
        }
        return new ChannelConnectorProvider().open(Settings.of(map));
    }

    static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    static String text(Message message) {
        return new String(message.payload(), StandardCharsets.UTF_8);
    }

    static List<String> texts(List<Message> messages) {
        return messages.stream().map(Channels::text).toList();
    }

    /** An inbox whose handler holds every message until {@link #release()}; records it when released. */
    static final class Gate extends Inbox {
        private final LinkedBlockingQueue<Message> inHand = new LinkedBlockingQueue<>();
        private final CountDownLatch released = new CountDownLatch(1);

        @Override
        public void handle(Message message) throws Exception {
            inHand.add(message);
            if (!released.await(DEADLINE_SECONDS, TimeUnit.SECONDS)) {
                throw new AssertionError("gate never released");
            }
            super.handle(message);
        }

        /** Waits until the handler holds a message, and returns its text. */
        String awaitInHand() throws InterruptedException {
            Message message = inHand.poll(DEADLINE_SECONDS, TimeUnit.SECONDS);
            if (message == null) {
                throw new AssertionError("the handler got no message");
            }
            return text(message);
        }

        void release() {
            released.countDown();
        }
    }
}
