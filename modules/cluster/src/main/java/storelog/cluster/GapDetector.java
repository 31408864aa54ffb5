package storelog.cluster;

import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import storelog.api.DataType;
import storelog.api.PartitionKey;
import storelog.api.spi.Member;
import storelog.core.GapObservation;
import storelog.core.LogService;
import storelog.core.Payload;

/**
 * The leader's gap check (GoStoreLog's, for real): every {@code GAP_INTERVAL} it asks each
 * follower's {@code /status} for its next offset per partition and compares it with its own. The
 * latest non-zero gap per (follower, partition) is kept for {@code /gaps}; each is also appended as a
 * JSON record to the internal partition {@value #GAPS} (so it replicates), and wakes that follower's
 * stream. A gap that closed disappears from {@code /gaps}.
 *
 * <p>Thread-safe; {@link #check} runs on one thread at a time.
 */
final class GapDetector {

    /** The internal partition the observations are appended to. */
    static final String GAPS = "__gaps";

    private static final Logger LOG = System.getLogger(GapDetector.class.getName());

    private final Map<String, Map<PartitionKey, GapObservation>> latest = new ConcurrentHashMap<>();

    /** One round of the check, as the leader of {@code term}. */
    void check(LeaderTerm term, List<Member> followers, LogService log) {
        List<GapObservation> found = new ArrayList<>();
        long now = System.currentTimeMillis();
        latest.keySet().retainAll(followers.stream().map(Member::nodeId).toList());
        for (Member f : followers) {
            Map<PartitionKey, Long> theirs;
            try {
                theirs = term.client().nextOffsets(f.http());
            } catch (IOException e) {
                LOG.log(Level.DEBUG, "gap check: {0} did not answer: {1}", f.nodeId(), e.toString());
                continue;
            }
            Map<PartitionKey, GapObservation> mine = new ConcurrentHashMap<>();
            for (PartitionKey p : term.partitions()) {
                long leader = term.leaderEnd(p);
                long follower = theirs.getOrDefault(p, 0L);
                if (leader > follower) {
                    GapObservation g = new GapObservation(f.nodeId(), p, leader, follower, now);
                    mine.put(p, g);
                    found.add(g);
                    FollowerStream stream = term.streams().get(f.nodeId());
                    if (stream != null) {
                        stream.wake(p);
                    }
                }
            }
            latest.put(f.nodeId(), mine);
        }
        List<GapObservation> recorded = recordable(found);
        if (!recorded.isEmpty()) {
            record(recorded, log);
        }
    }

    /**
     * The observations that go into {@value #GAPS}: all but those of {@value #GAPS} itself. Each record
     * appended there is a new gap of it on every follower until pushed; recording those too fed itself
     * whenever a link was slower than {@code GAP_INTERVAL} (seen behind a lossy, slow link: a record
     * every round, for ever). They are still shown in {@code /gaps}.
     */
    static List<GapObservation> recordable(List<GapObservation> found) {
        return found.stream().filter(g -> !g.partition().value().equals(GAPS)).toList();
    }

    private static void record(List<GapObservation> found, LogService log) {
        List<Payload> payloads = new ArrayList<>(found.size());
        for (GapObservation g : found) {
            String json = "{\"node\":" + quote(g.node()) + ",\"partition\":" + quote(g.partition().value())
                    + ",\"leader_offset\":" + g.leaderOffset() + ",\"follower_offset\":" + g.followerOffset()
                    + ",\"gap\":" + g.gap() + ",\"time\":" + g.time() + "}";
            payloads.add(new Payload(DataType.JSON, json.getBytes(StandardCharsets.UTF_8)));
        }
        try {
            log.appendInternal(PartitionKey.of(GAPS), payloads);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "gap check: recording {0} gaps in {1} failed: {2}", found.size(), GAPS, e.getMessage());
        }
    }

    private static String quote(String text) {
        StringBuilder out = new StringBuilder("\"");
        for (char c : text.toCharArray()) {
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
    }

    /** The latest gap per (follower, partition), by follower then partition. */
    List<GapObservation> gaps() {
        List<GapObservation> all = new ArrayList<>();
        latest.values().forEach(m -> all.addAll(m.values()));
        all.sort(Comparator.comparing(GapObservation::node).thenComparing(GapObservation::partition));
        return all;
    }

    void clear() {
        latest.clear();
    }
}
