package storelog.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import storelog.testkit.History;

/**
 * Readers that tail every partition of one node each with long polls ({@code wait_ms}), as a
 * consumer would, and record every record they are served in a {@link History}. Unlike
 * {@link Readers} (random nodes, short polls, for fault rounds where nodes come and go) a tail
 * reader stays on its node: in a fault-free run a read not answered within 10 s (the publishes' bound)
 * is an error, counted in {@link ErrorKinds} as {@code "read: no answer from <node>"}. One virtual thread per node and
 * partition.
 */
final class TailReaders implements AutoCloseable {

    private static final int WAIT_MS = 1000;
    private static final int MAX = 1000;
    /** As long as a publish may take ({@link Writers#send}): an unanswered read is one not answered in this. */
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicLong records = new AtomicLong();
    private final List<Thread> threads = new CopyOnWriteArrayList<>();

    /** A reader named {@code r-<node>} on each of {@code nodes}, tailing each of {@code partitions} from offset 0. */
    TailReaders(List<ImageNode> nodes, List<String> partitions, History history, ErrorKinds errors) {
        for (ImageNode node : nodes) {
            String reader = "r-" + node.id();
            for (String partition : partitions) {
                threads.add(Thread.ofVirtual().name(reader + "-" + partition).start(() -> tail(node, reader, partition, history, errors)));
            }
        }
    }

    private void tail(ImageNode node, String reader, String partition, History history, ErrorKinds errors) {
        long next = 0;
        while (running.get()) {
            long start = History.now();
            JsonNode page = get(node, "/records?partition=" + URLEncoder.encode(partition, StandardCharsets.UTF_8) + "&offset=" + next
                    + "&max=" + MAX + "&wait_ms=" + WAIT_MS);
            if (page == null) {
                errors.add("read: no answer from " + node.id());
                TestCluster.pause(100);
                continue;
            }
            if (!page.has("records")) {
                // a partition no one wrote to yet is not found: not an error while the first publish is on its way
                if (!page.path("code").asText().equals("unknown_partition")) {
                    errors.add("read: " + page.path("code").asText(page.toString()));
                }
                TestCluster.pause(100);
                continue;
            }
            for (JsonNode record : page.path("records")) {
                String payload = new String(Base64.getDecoder().decode(record.path("data").asText()), StandardCharsets.UTF_8);
                history.read(reader, partition, record.path("offset").asLong(), payload, start);
                records.incrementAndGet();
            }
            next = Math.max(next, page.path("next_offset").asLong());
        }
    }

    /** GET as JSON, answered within {@link #TIMEOUT}; null when not. */
    private JsonNode get(ImageNode node, String pathAndQuery) {
        try {
            return JSON.readTree(http.send(HttpRequest.newBuilder(node.uri(pathAndQuery)).timeout(TIMEOUT).build(),
                    HttpResponse.BodyHandlers.ofString()).body());
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /** Records served so far, over every reader. */
    long records() {
        return records.get();
    }

    @Override
    public void close() throws InterruptedException {
        running.set(false);
        for (Thread t : threads) {
            t.join(15_000);
        }
    }
}
