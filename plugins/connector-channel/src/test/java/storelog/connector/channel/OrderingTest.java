package storelog.connector.channel;

import static org.assertj.core.api.Assertions.assertThat;
import static storelog.connector.channel.Channels.bytes;
import static storelog.connector.channel.Channels.texts;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import storelog.api.spi.Connector;
import storelog.api.spi.Subscription;
import storelog.testkit.Inbox;
import storelog.testkit.Async;

class OrderingTest {

    @Test
    void onePublishersMessagesArriveInOrder() throws Exception {
        int count = 10_000;
        try (Connector connector = Channels.open()) {
            Inbox inbox = new Inbox();
            Subscription subscription = connector.subscribe("orders", inbox);
            for (int i = 0; i < count; i++) {
                connector.publish("orders", bytes(Integer.toString(i)));
            }

            assertThat(texts(inbox.take(count)))
                    .containsExactlyElementsOf(IntStream.range(0, count).mapToObj(Integer::toString).toList());
            subscription.close();
            assertThat(inbox.rest()).isEmpty();
        }
    }

    /** Small queues, so the publishers often wait for room while they race. */
    @Test
    void concurrentPublishersEachKeepTheirOrderAndNothingIsLostOrDuplicated() throws Exception {
        int publishers = 4;
        int each = 2_500;
        try (Connector connector = Channels.open("CHANNEL_CAPACITY", "16", "CHANNEL_PUBLISH_TIMEOUT_MS", "30000")) {
            Inbox inbox = new Inbox();
            Subscription subscription = connector.subscribe("orders", inbox);
            CountDownLatch start = new CountDownLatch(1);
            List<CompletableFuture<Void>> running = new ArrayList<>();
            for (int p = 0; p < publishers; p++) {
                String publisher = "p" + p;
                running.add(Async.async(() -> {
                    try {
                        start.await();
                    } catch (InterruptedException e) {
                        throw new IllegalStateException(e);
                    }
                    for (int i = 0; i < each; i++) {
                        connector.publish("orders", bytes(publisher + ":" + i));
                    }
                }));
            }
            start.countDown();
            CompletableFuture.allOf(running.toArray(CompletableFuture[]::new)).get(Channels.DEADLINE_SECONDS, TimeUnit.SECONDS);

            Map<String, List<Integer>> byPublisher = new HashMap<>();
            for (String text : texts(inbox.take(publishers * each))) {
                String[] parts = text.split(":");
                byPublisher.computeIfAbsent(parts[0], k -> new ArrayList<>()).add(Integer.parseInt(parts[1]));
            }
            List<Integer> expected = IntStream.range(0, each).boxed().toList();
            assertThat(byPublisher).hasSize(publishers)
                    .allSatisfy((publisher, sequence) -> assertThat(sequence).containsExactlyElementsOf(expected));
            subscription.close();
            assertThat(inbox.rest()).isEmpty();
        }
    }

    @Test
    void everySubscriptionSeesTheSameOrderOfConcurrentPublishes() throws Exception {
        int publishers = 4;
        int each = 500;
        try (Connector connector = Channels.open("CHANNEL_CAPACITY", "8", "CHANNEL_PUBLISH_TIMEOUT_MS", "30000")) {
            Inbox first = new Inbox();
            Inbox second = new Inbox();
            connector.subscribe("orders", first);
            connector.subscribe("orders", second);
            List<CompletableFuture<Void>> running = new ArrayList<>();
            for (int p = 0; p < publishers; p++) {
                String publisher = "p" + p;
                running.add(Async.async(() -> IntStream.range(0, each)
                        .forEach(i -> connector.publish("orders", bytes(publisher + ":" + i)))));
            }
            CompletableFuture.allOf(running.toArray(CompletableFuture[]::new)).get(Channels.DEADLINE_SECONDS, TimeUnit.SECONDS);

            assertThat(texts(second.take(publishers * each))).containsExactlyElementsOf(texts(first.take(publishers * each)));
        }
    }
}
