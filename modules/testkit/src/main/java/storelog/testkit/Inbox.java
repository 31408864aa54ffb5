package storelog.testkit;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import storelog.api.spi.Message;
import storelog.api.spi.MessageHandler;

/** A connector handler for tests: keeps what it receives, for the test to take with a deadline. */
public class Inbox implements MessageHandler {

    /** How long {@link #take} waits for messages that should come. */
    public static final long DEADLINE_SECONDS = 30;

    private final LinkedBlockingQueue<Message> received = new LinkedBlockingQueue<>();

    @Override
    public void handle(Message message) throws Exception {
        received.add(message);
    }

    /** The next {@code count} messages, waiting up to {@link #DEADLINE_SECONDS} for them. */
    public List<Message> take(int count) throws InterruptedException {
        List<Message> messages = new ArrayList<>(count);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(DEADLINE_SECONDS);
        while (messages.size() < count) {
            Message message = received.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
            if (message == null) {
                throw new AssertionError("received " + messages.size() + " of " + count + " messages: " + texts(messages));
            }
            messages.add(message);
        }
        return messages;
    }

    /** What was received and not taken yet. */
    public List<String> rest() {
        return texts(List.copyOf(received));
    }

    /** The messages' payloads as UTF-8 text. */
    public static List<String> texts(List<Message> messages) {
        return messages.stream().map(m -> new String(m.payload(), StandardCharsets.UTF_8)).toList();
    }
}
