package storelog.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import storelog.testkit.HistoryChecker;

/** Whole partition logs as a node serves them, for comparing nodes record by record. */
final class Logs {

    private Logs() {
    }

    /** One stored record: offset, bytes (base64), type, timestamp. */
    record Entry(long offset, String data, int type, long timestamp) {

        /** The stored bytes as text (the payload of a type 2 record). */
        String text() {
            return new String(Base64.getDecoder().decode(data), StandardCharsets.UTF_8);
        }
    }

    /** Waits until every node of {@code nodes} serves the same logs; fails with the difference if they never do. */
    static void awaitIdentical(List<ImageNode> nodes, Duration within) {
        long deadline = System.nanoTime() + within.toNanos();
        Map<String, List<Entry>> first = Map.of();
        while (System.nanoTime() < deadline) {
            first = of(nodes.getFirst());
            Map<String, List<Entry>> reference = first;
            if (nodes.stream().skip(1).allMatch(n -> of(n).equals(reference))) {
                return;
            }
            TestCluster.pause(100);
        }
        for (ImageNode n : nodes) {
            assertThat(of(n)).as(n + " holds exactly what " + nodes.getFirst() + " holds").isEqualTo(first);
        }
    }

    /** Every node's logs in the shape {@link HistoryChecker} reads (payloads as text), {@code reference} first. */
    static Map<String, Map<String, List<HistoryChecker.Stored>>> forChecker(ImageNode reference, List<ImageNode> nodes) {
        Map<String, Map<String, List<HistoryChecker.Stored>>> all = new LinkedHashMap<>();
        all.put(reference.id(), stored(reference));
        nodes.stream().filter(n -> n != reference).forEach(n -> all.put(n.id(), stored(n)));
        return all;
    }

    private static Map<String, List<HistoryChecker.Stored>> stored(ImageNode node) {
        Map<String, List<HistoryChecker.Stored>> log = new LinkedHashMap<>();
        of(node).forEach((partition, entries) -> log.put(partition,
                entries.stream().map(e -> new HistoryChecker.Stored(e.offset(), e.text())).toList()));
        return log;
    }

    /** Every partition's records on {@code node} (from {@code /partitions} and {@code /records}). */
    static Map<String, List<Entry>> of(ImageNode node) {
        Map<String, List<Entry>> all = new LinkedHashMap<>();
        JsonNode partitions = node.get("/partitions");
        if (partitions == null) {
            throw new AssertionError(node + " did not answer /partitions");
        }
        for (JsonNode p : partitions) {
            String key = p.path("partition_key").asText();
            all.put(key, partition(node, key));
        }
        return all;
    }

    /** One partition's records on {@code node}. */
    static List<Entry> partition(ImageNode node, String key) {
        List<Entry> entries = new ArrayList<>();
        long offset = 0;
        while (true) {
            JsonNode page = node.get("/records?partition=" + java.net.URLEncoder.encode(key, java.nio.charset.StandardCharsets.UTF_8)
                    + "&offset=" + offset + "&max=10000");
            if (page == null || !page.has("records")) {
                throw new AssertionError(node + " /records of " + key + " from " + offset + ": " + page);
            }
            for (JsonNode r : page.path("records")) {
                entries.add(new Entry(r.path("offset").asLong(), r.path("data").asText(), r.path("data_type").asInt(),
                        r.path("timestamp").asLong()));
            }
            long next = page.path("next_offset").asLong();
            if (next == offset) {
                return entries;
            }
            offset = next;
        }
    }
}
