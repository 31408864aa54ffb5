package storelog.it;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import storelog.testkit.History;

/**
 * Clients that publish unique payloads ({@code "w<writer>-<n>"}) until stopped, each to whichever
 * node {@code target} names at the time, and record every outcome in a {@link History}: acknowledged
 * (with its offset), refused (a clean error: not stored), or unknown (no answer, or 503 saying it is
 * stored on the leader only: may or may not be stored).
 */
final class Writers implements AutoCloseable {

    record Ack(String partition, String payload, long offset) {
    }

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    private final History history;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final List<Thread> threads = new CopyOnWriteArrayList<>();

    Writers(int count, List<String> partitions, Supplier<ImageNode> target) {
        this(count, partitions, target, new History(), "w");
    }

    /** {@code count} writers named {@code <prefix><n>} that record into {@code history}. */
    Writers(int count, List<String> partitions, Supplier<ImageNode> target, History history, String prefix) {
        this.history = history;
        for (int w = 0; w < count; w++) {
            String writer = prefix + w;
            threads.add(Thread.ofVirtual().start(() -> {
                for (int n = 0; running.get(); n++) {
                    String partition = partitions.get(n % partitions.size());
                    publish(writer, target.get(), partition, writer + "-" + n);
                }
            }));
        }
    }

    private void publish(String writer, ImageNode node, String partition, String payload) {
        if (node == null || !node.isAlive()) {
            TestCluster.pause(20);
            return;
        }
        if (send(http, history, writer, node, partition, payload, History.now()).outcome() != History.Outcome.ACKNOWLEDGED) {
            TestCluster.pause(20);
        }
    }

    /** How one publish ended, as recorded; {@code detail} is the status and body, or the exception (empty when acknowledged). */
    record Sent(History.Outcome outcome, String detail) {
    }

    /**
     * Publishes {@code payload} to {@code partition} on {@code node} once and records the outcome in
     * {@code history} with {@code start} as the operation's start: acknowledged (with its offset),
     * unknown (no answer, or 503 {@code not_enough_replicas} with {@code "stored": true}), or refused.
     */
    static Sent send(HttpClient http, History history, String writer, ImageNode node, String partition, String payload, long start) {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://" + node.http() + "/publish"))
                    .timeout(Duration.ofSeconds(10)).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"data\":\"" + payload + "\",\"data_type\":2,\"partition_key\":\""
                            + partition + "\"}")).build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() == 200) {
                history.acknowledged(writer, partition, payload, Long.parseLong(r.body().replaceAll(".*\"offset\":(\\d+).*", "$1")), start,
                        node.id());
                return new Sent(History.Outcome.ACKNOWLEDGED, "");
            }
            String detail = r.statusCode() + " " + r.body();
            if (r.body().contains("\"not_enough_replicas\"") && r.body().contains("\"stored\":true")) {
                history.unknown(writer, partition, payload, start, detail);
                return new Sent(History.Outcome.UNKNOWN, detail);
            }
            history.failed(writer, partition, payload, start, detail);
            return new Sent(History.Outcome.FAILED, detail);
        } catch (Exception e) {
            history.unknown(writer, partition, payload, start, e.toString());
            return new Sent(History.Outcome.UNKNOWN, e.toString());
        }
    }

    History history() {
        return history;
    }

    List<Ack> acked() {
        return history.publishes().stream().filter(p -> p.outcome() == History.Outcome.ACKNOWLEDGED)
                .map(p -> new Ack(p.partition(), p.payload(), p.offset())).toList();
    }

    Map<String, String> unknown() {
        return history.publishes().stream().filter(p -> p.outcome() == History.Outcome.UNKNOWN)
                .collect(Collectors.toMap(History.Publish::payload, History.Publish::partition));
    }

    int refused() {
        return (int) history.count(History.Outcome.FAILED);
    }

    @Override
    public void close() throws InterruptedException {
        running.set(false);
        for (Thread t : threads) {
            t.join(15_000);
        }
    }
}
