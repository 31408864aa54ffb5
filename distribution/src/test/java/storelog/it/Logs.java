package storelog.it;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Whole partition logs as a node serves them, for comparing nodes record by record. */
final class Logs {

    private Logs() {
    }

    /** One stored record: offset, bytes (base64), type, timestamp. */
    record Entry(long offset, String data, int type, long timestamp) {
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
