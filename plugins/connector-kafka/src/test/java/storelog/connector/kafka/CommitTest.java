package storelog.connector.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static storelog.connector.kafka.Kafkas.numbered;
import static storelog.connector.kafka.Kafkas.text;
import static storelog.connector.kafka.Kafkas.texts;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import storelog.api.spi.Connector;
import storelog.api.spi.Message;
import storelog.api.spi.Subscription;
import storelog.testkit.Inbox;
import storelog.testkit.Async;

@ExtendWith(KafkaBroker.Shared.class)
class CommitTest {

    private static KafkaBroker broker;

    @BeforeAll
    static void broker(KafkaBroker shared) {
        broker = shared;
    }

    /**
     * The first connector handles 20 messages and holds the 21st while it is closed: the close waits
     * for it, commits the 21 and nothing more, so the next connector of the group gets exactly the
     * other 29.
     */
    @Test
    void aConnectorOfTheSameGroupGetsExactlyTheMessagesNotHandledBeforeTheClose() throws Exception {
        String topic = Kafkas.unique("orders");
        String group = Kafkas.unique("group");
        broker.createTopic(topic, 1);
        broker.produce(topic, 0, numbered("m", 0, 50));

        List<String> first = Collections.synchronizedList(new ArrayList<>());
        CountDownLatch inHand = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Connector connector = Kafkas.open(broker, group);
        connector.subscribe(topic, message -> {
            if (first.size() == 20) {
                inHand.countDown();
                if (!release.await(Kafkas.DEADLINE_SECONDS, TimeUnit.SECONDS)) {
                    throw new AssertionError("never released");
                }
            }
            first.add(text(message));
        });
        assertThat(inHand.await(Kafkas.DEADLINE_SECONDS, TimeUnit.SECONDS)).isTrue();
        Thread closer = Thread.ofPlatform().daemon().start(connector::close);
        // the close has asked the subscription to stop once it waits for the thread (Thread.join)
        Kafkas.await("the close to wait for the message in hand", () -> closer.getState() == Thread.State.TIMED_WAITING);
        release.countDown();
        assertThat(closer.join(Duration.ofSeconds(Kafkas.DEADLINE_SECONDS))).as("closed").isTrue();

        assertThat(first).containsExactlyElementsOf(numbered("m", 0, 21));
        assertThat(connector.metrics()).containsEntry("committed_total", 21L);
        assertThat(broker.committed(group)).containsOnlyKeys(new TopicPartition(topic, 0))
                .extractingByKey(new TopicPartition(topic, 0)).satisfies(o -> assertThat(o.offset()).isEqualTo(21));

        try (Connector next = Kafkas.open(broker, group)) {
            Inbox inbox = new Inbox();
            next.subscribe(topic, inbox);
            List<Message> rest = inbox.take(29);
            assertThat(texts(rest)).containsExactlyElementsOf(numbered("m", 21, 29));
            assertThat(rest.get(0).source()).isEqualTo(topic + "-0@21");
            Kafkas.await("the rest committed", () -> next.metrics().get("committed_total") == 29, next::metrics);
            assertThat(inbox.rest()).isEmpty();
        }
    }

    @Test
    void aHandlerMayCloseItsOwnSubscriptionAndWhatItHandledIsCommitted() throws Exception {
        String topic = Kafkas.unique("orders");
        String group = Kafkas.unique("group");
        broker.createTopic(topic, 1);
        broker.produce(topic, 0, numbered("m", 0, 10));
        List<String> first = Collections.synchronizedList(new ArrayList<>());
        AtomicReference<Subscription> self = new AtomicReference<>();
        CountDownLatch subscribed = new CountDownLatch(1);
        CountDownLatch closedItself = new CountDownLatch(1);
        try (Connector connector = Kafkas.open(broker, group)) {
            self.set(connector.subscribe(topic, message -> {
                subscribed.await();
                first.add(text(message));
                if (first.size() == 4) {
                    self.get().close(); // returns at once: the thread is its own
                    closedItself.countDown();
                }
            }));
            subscribed.countDown();
            assertThat(closedItself.await(Kafkas.DEADLINE_SECONDS, TimeUnit.SECONDS)).isTrue();
            Kafkas.await("the four committed", () -> connector.metrics().get("committed_total") == 4, connector::metrics);
            assertThat(first).containsExactlyElementsOf(numbered("m", 0, 4));
        }
        try (Connector next = Kafkas.open(broker, group)) {
            Inbox inbox = new Inbox();
            next.subscribe(topic, inbox);
            assertThat(texts(inbox.take(6))).containsExactlyElementsOf(numbered("m", 4, 6));
        }
    }

    /**
     * Messages are published through the connector while subscribers of one group come and go: each
     * takes over from the committed offsets of the one closed before it. Every message is handled
     * exactly once, in each partition's order.
     */
    @Test
    void closingAndReopeningDuringAStreamLosesAndDuplicatesNothing() throws Exception {
        String topic = Kafkas.unique("stream");
        String group = Kafkas.unique("group");
        int partitions = 3;
        int count = 3000;
        broker.createTopic(topic, partitions);
        List<Message> handled = Collections.synchronizedList(new ArrayList<>());
        AtomicInteger published = new AtomicInteger();

        try (Connector publisher = Kafkas.open(broker, group)) {
            CompletableFuture<Void> publishing = Async.async(() -> {
                for (int i = 0; i < count; i++) {
                    publisher.publish(topic, Kafkas.bytes("m" + i));
                    published.incrementAndGet();
                }
            });
            List<Integer> publishedAtClose = new ArrayList<>();
            Connector subscriber = Kafkas.open(broker, group);
            try {
                subscriber.subscribe(topic, handled::add);
                for (int round = 1; round <= 4; round++) {
                    int target = handled.size() + 300;
                    Kafkas.await("more messages handled", () -> handled.size() >= target || publishing.isDone());
                    subscriber.close();
                    publishedAtClose.add(published.get());
                    subscriber = Kafkas.open(broker, group);
                    subscriber.subscribe(topic, handled::add);
                }
                publishing.get(Kafkas.DEADLINE_SECONDS, TimeUnit.SECONDS);
                Kafkas.await("all messages handled", () -> handled.size() >= count, handled::size);
                Connector last = subscriber;
                Kafkas.await("all committed", () -> last.metrics().get("committed_total").equals(last.metrics().get("delivered_total")),
                        last::metrics);
            } finally {
                subscriber.close();
            }
            assertThat(publishedAtClose).as("closes while messages were being published").hasSize(4)
                    .filteredOn(n -> n < count).hasSizeGreaterThanOrEqualTo(2);
            assertThat(published.get()).isEqualTo(count);
            assertThat(publisher.metrics()).containsEntry("published_total", (long) count);
        }

        List<String> texts = texts(List.copyOf(handled));
        assertThat(texts).as("no duplicate").doesNotHaveDuplicates();
        assertThat(texts).as("no loss").containsExactlyInAnyOrderElementsOf(numbered("m", 0, count));
        Map<String, Long> lastOffset = new HashMap<>();
        Map<String, Integer> lastNumber = new HashMap<>();
        for (Message message : handled) {
            String partition = message.source().substring(0, message.source().indexOf('@'));
            long offset = Long.parseLong(message.source().substring(message.source().indexOf('@') + 1));
            int number = Integer.parseInt(text(message).substring(1));
            assertThat(offset).as("offsets of " + partition + " go up one by one")
                    .isEqualTo(lastOffset.getOrDefault(partition, -1L) + 1);
            assertThat(number).as("publish order within " + partition).isGreaterThan(lastNumber.getOrDefault(partition, -1));
            lastOffset.put(partition, offset);
            lastNumber.put(partition, number);
        }
        System.out.println("stream: offsets by partition " + lastOffset);
    }
}
