package storelog.it;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import storelog.testkit.History;

/**
 * Clients that tail every partition until stopped, each read from a node drawn at random from the
 * live ones, and record in a {@link History} every record a read returned — so a record that is
 * served and later disappears (a read of a record that was never safe) shows in the check. Each
 * reader keeps its own position per partition and moves it only over what it was served.
 */
final class Readers implements AutoCloseable {

    private final AtomicBoolean running = new AtomicBoolean(true);
    private final List<Thread> threads = new CopyOnWriteArrayList<>();

    Readers(int count, List<String> partitions, Supplier<List<ImageNode>> nodes, History history, long seed) {
        for (int r = 0; r < count; r++) {
            String reader = "r" + r;
            Random random = new Random(seed + r);
            threads.add(Thread.ofVirtual().start(() -> {
                Map<String, Long> next = new HashMap<>();
                for (int n = 0; running.get(); n++) {
                    List<ImageNode> live = nodes.get().stream().filter(ImageNode::isAlive).toList();
                    if (live.isEmpty()) {
                        TestCluster.pause(20);
                        continue;
                    }
                    String partition = partitions.get(n % partitions.size());
                    ImageNode node = live.get(random.nextInt(live.size()));
                    long from = next.getOrDefault(partition, 0L);
                    long start = History.now();
                    JsonNode page = node.get("/records?partition=" + URLEncoder.encode(partition, StandardCharsets.UTF_8)
                            + "&offset=" + from + "&max=200");
                    if (page == null || !page.has("records")) {
                        TestCluster.pause(10); // not served (down, behind, not yet created): try another node
                        continue;
                    }
                    for (JsonNode record : page.path("records")) {
                        String payload = new String(Base64.getDecoder().decode(record.path("data").asText()), StandardCharsets.UTF_8);
                        history.read(reader, partition, record.path("offset").asLong(), payload, start);
                    }
                    next.put(partition, Math.max(from, page.path("next_offset").asLong()));
                    if (page.path("records").isEmpty()) {
                        TestCluster.pause(10);
                    }
                }
            }));
        }
    }

    @Override
    public void close() throws InterruptedException {
        running.set(false);
        for (Thread t : threads) {
            t.join(15_000);
        }
    }
}
