package storelog.it;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Clients that publish unique payloads ({@code "w<writer>-<n>"}) until stopped, each to whichever
 * node {@code target} names at the time, and record every outcome: acknowledged (with its offset),
 * refused (a clean error: not stored), or unknown (no answer: may or may not be stored).
 */
final class Writers implements AutoCloseable {

    record Ack(String partition, String payload, long offset) {
    }

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    private final List<Ack> acked = new CopyOnWriteArrayList<>();
    private final Map<String, String> unknown = new ConcurrentHashMap<>();
    private final AtomicInteger refused = new AtomicInteger();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final List<Thread> threads = new CopyOnWriteArrayList<>();

    Writers(int count, List<String> partitions, Supplier<ImageNode> target) {
        for (int w = 0; w < count; w++) {
            int writer = w;
            threads.add(Thread.ofVirtual().start(() -> {
                for (int n = 0; running.get(); n++) {
                    String partition = partitions.get(n % partitions.size());
                    String payload = "w" + writer + "-" + n;
                    publish(target.get(), partition, payload);
                }
            }));
        }
    }

    private void publish(ImageNode node, String partition, String payload) {
        if (node == null || !node.isAlive()) {
            TestCluster.pause(20);
            return;
        }
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://" + node.http() + "/publish"))
                    .timeout(Duration.ofSeconds(10)).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"data\":\"" + payload + "\",\"data_type\":2,\"partition_key\":\""
                            + partition + "\"}")).build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() == 200) {
                long offset = Long.parseLong(r.body().replaceAll(".*\"offset\":(\\d+).*", "$1"));
                acked.add(new Ack(partition, payload, offset));
            } else if (r.body().contains("\"not_enough_replicas\"") && r.body().contains("stored on the leader")) {
                unknown.put(payload, partition);
            } else {
                refused.incrementAndGet();
                TestCluster.pause(20);
            }
        } catch (Exception e) {
            unknown.put(payload, partition);
            TestCluster.pause(20);
        }
    }

    List<Ack> acked() {
        return List.copyOf(acked);
    }

    Map<String, String> unknown() {
        return Map.copyOf(unknown);
    }

    int refused() {
        return refused.get();
    }

    @Override
    public void close() throws InterruptedException {
        running.set(false);
        for (Thread t : threads) {
            t.join(15_000);
        }
    }
}
