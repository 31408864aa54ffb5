package storelog.testkit;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Checks a {@link History} against the logs every node holds at the end of a run, the way Jepsen's
 * checkers judge a history: what was acknowledged must be there, exactly once, at its offset, on
 * every node; nothing may be there that no one published or that was refused; offsets are gap-free;
 * a record once read never disappears; the nodes hold identical logs. It reports every violation
 * it finds (it does not stop at the first), so a failing run shows its whole damage.
 *
 * <p>Only the partitions the history wrote to are checked (a cluster's own partitions, such as
 * {@code __gaps}, are not the clients').
 */
public final class HistoryChecker {

    /** One record of a node's log: its offset and the payload id it carries. */
    public record Stored(long offset, String payload) {
    }

    /**
     * What a check found. {@code lost}: acknowledged publishes missing or not at their offset on some
     * node (one entry per node; {@code lostAcknowledged} counts the publishes); {@code duplicated}: a payload stored more than once; {@code conflicting}: two acknowledged
     * publishes given the same offset; {@code gaps}: offsets not consecutive from 0;
     * {@code refusedButStored}: a publish answered with a clean error that was stored anyway;
     * {@code phantoms}: records no client published; {@code vanishedReads}: a read returned a record the
     * final log does not hold there; {@code divergent}: partitions whose logs differ between nodes.
     * {@code digests}: per node and partition, SHA-256 of the log (offsets and payloads), for the report.
     */
    public record Report(long acknowledged, long refused, long unknown, long unknownStored, long reads, long lostAcknowledged,
                         List<String> lost, List<String> duplicated, List<String> conflicting, List<String> gaps,
                         List<String> refusedButStored, List<String> phantoms, List<String> vanishedReads,
                         List<String> divergent, Map<String, Map<String, String>> digests) {

        /** Whether nothing at all was violated (what {@code ACKS=all} must achieve). */
        public boolean clean() {
            return lost.isEmpty() && conflicting.isEmpty() && vanishedReads.isEmpty() && consistent();
        }

        /**
         * Whether the nodes hold one gap-free log of what clients published, each record once, nothing
         * refused — what {@code ACKS=leader} must achieve, where a dead leader's acknowledged records
         * may be lost, their offsets given to later records (conflicting acknowledgements), and reads
         * of them vanish.
         */
        public boolean consistent() {
            return duplicated.isEmpty() && gaps.isEmpty() && refusedButStored.isEmpty() && phantoms.isEmpty() && divergent.isEmpty();
        }

        /**
         * The counts by name, for a results file: {@code acknowledged, refused, unknown, unknown_stored,
         * reads} and, per kind of violation, how many ({@code lost} counts acknowledged publishes).
         */
        public Map<String, Long> counts() {
            Map<String, Long> c = new LinkedHashMap<>();
            c.put("acknowledged", acknowledged);
            c.put("refused", refused);
            c.put("unknown", unknown);
            c.put("unknown_stored", unknownStored);
            c.put("reads", reads);
            c.put("lost", lostAcknowledged);
            c.put("duplicated", (long) duplicated.size());
            c.put("conflicting", (long) conflicting.size());
            c.put("gaps", (long) gaps.size());
            c.put("refused_but_stored", (long) refusedButStored.size());
            c.put("phantoms", (long) phantoms.size());
            c.put("vanished_reads", (long) vanishedReads.size());
            c.put("divergent", (long) divergent.size());
            return c;
        }

        /** One paragraph: the counts, then the first few of each violation. */
        public String summary() {
            StringBuilder s = new StringBuilder(String.format(
                    "acknowledged %d, refused %d, unknown %d (stored %d), reads %d; lost %d (%d records), duplicated %d, conflicting %d,"
                            + " gaps %d, refused-but-stored %d, phantoms %d, vanished reads %d, divergent %d",
                    acknowledged, refused, unknown, unknownStored, reads, lost.size(), lostAcknowledged, duplicated.size(), conflicting.size(),
                    gaps.size(), refusedButStored.size(), phantoms.size(), vanishedReads.size(), divergent.size()));
            Map<String, List<String>> all = new LinkedHashMap<>();
            all.put("lost", lost);
            all.put("duplicated", duplicated);
            all.put("conflicting", conflicting);
            all.put("gaps", gaps);
            all.put("refused but stored", refusedButStored);
            all.put("phantoms", phantoms);
            all.put("vanished reads", vanishedReads);
            all.put("divergent", divergent);
            all.forEach((name, list) -> list.stream().limit(5).forEach(v -> s.append("\n  ").append(name).append(": ").append(v)));
            return s.toString();
        }
    }

    private HistoryChecker() {
    }

    /**
     * Checks {@code history} against {@code logs} (node → partition → records in offset order);
     * reads are judged against the first node of {@code logs}, divergence against it too.
     */
    public static Report check(History history, Map<String, Map<String, List<Stored>>> logs) {
        if (logs.isEmpty()) {
            throw new IllegalArgumentException("no node's log to check against");
        }
        List<History.Publish> publishes = history.publishes();
        Map<String, History.Publish> byPayload = new HashMap<>();
        for (History.Publish p : publishes) {
            if (byPayload.put(p.payload(), p) != null) {
                throw new IllegalArgumentException("payload " + p.payload() + " was published twice: payloads must be unique");
            }
        }
        Set<String> partitions = publishes.stream().map(History.Publish::partition).collect(Collectors.toSet());
        Map<String, Map<String, Map<Long, String>>> byOffset = new LinkedHashMap<>();
        logs.forEach((node, log) -> {
            Map<String, Map<Long, String>> positions = new HashMap<>();
            log.forEach((partition, records) -> {
                Map<Long, String> at = new HashMap<>();
                records.forEach(r -> at.put(r.offset(), r.payload()));
                positions.put(partition, at);
            });
            byOffset.put(node, positions);
        });

        List<String> lost = new ArrayList<>();
        java.util.Set<String> lostPayloads = new java.util.HashSet<>();
        List<String> conflicting = new ArrayList<>();
        Map<String, History.Publish> ackedAt = new HashMap<>();
        for (History.Publish p : publishes) {
            if (p.outcome() != History.Outcome.ACKNOWLEDGED) {
                continue;
            }
            History.Publish earlier = ackedAt.put(p.partition() + "@" + p.offset(), p);
            if (earlier != null) {
                conflicting.add(p.partition() + " offset " + p.offset() + " acknowledged to both " + earlier.payload() + " " + when(earlier)
                        + " and " + p.payload() + " " + when(p));
            }
            byOffset.forEach((node, positions) -> {
                String there = positions.getOrDefault(p.partition(), Map.of()).get(p.offset());
                if (!p.payload().equals(there)) {
                    lostPayloads.add(p.payload());
                    lost.add(p.payload() + " acknowledged at " + p.partition() + "/" + p.offset() + " " + when(p) + ": " + node + " holds "
                            + (there == null ? "nothing" : there) + " there");
                }
            });
        }

        List<String> duplicated = new ArrayList<>();
        List<String> gaps = new ArrayList<>();
        List<String> refusedButStored = new ArrayList<>();
        List<String> phantoms = new ArrayList<>();
        Map<String, String> unknownStored = new HashMap<>();
        Map<String, Map<String, String>> digests = new TreeMap<>();
        logs.forEach((node, log) -> {
            Map<String, String> seen = new HashMap<>();
            log.forEach((partition, records) -> {
                if (!partitions.contains(partition)) {
                    return;
                }
                digests.computeIfAbsent(node, n -> new TreeMap<>()).put(partition, digest(records));
                for (int i = 0; i < records.size(); i++) {
                    Stored r = records.get(i);
                    String where = node + " " + partition + "/" + r.offset();
                    if (r.offset() != i) {
                        gaps.add(where + " is the log's record number " + i);
                    }
                    String first = seen.putIfAbsent(r.payload(), where);
                    if (first != null) {
                        duplicated.add(r.payload() + " at " + first + " and " + where);
                    }
                    History.Publish p = byPayload.get(r.payload());
                    if (p == null || !p.partition().equals(partition)) {
                        phantoms.add(where + " holds " + r.payload() + ", which no client published to " + partition);
                    } else if (p.outcome() == History.Outcome.FAILED) {
                        refusedButStored.add(where + " holds " + r.payload() + ", whose publish was refused: " + p.detail());
                    } else if (p.outcome() == History.Outcome.UNKNOWN) {
                        unknownStored.put(r.payload(), where);
                    }
                }
            });
        });

        String reference = logs.keySet().iterator().next();
        List<String> vanishedReads = new ArrayList<>();
        List<History.Read> reads = history.reads();
        for (History.Read r : reads) {
            String there = byOffset.get(reference).getOrDefault(r.partition(), Map.of()).get(r.offset());
            if (!r.payload().equals(there)) {
                vanishedReads.add(r.client() + " read " + r.payload() + " at " + r.partition() + "/" + r.offset() + "; "
                        + reference + " ends with " + (there == null ? "nothing" : there) + " there");
            }
        }

        List<String> divergent = new ArrayList<>();
        Map<String, String> expected = digests.getOrDefault(reference, Map.of());
        digests.forEach((node, partitionDigests) -> {
            for (String partition : partitions) {
                String mine = partitionDigests.get(partition);
                String theirs = expected.get(partition);
                if (mine == null ? theirs != null : !mine.equals(theirs)) {
                    divergent.add(partition + ": " + node + " " + shortDigest(mine) + " vs " + reference + " " + shortDigest(theirs));
                }
            }
        });
        for (String node : logs.keySet()) {
            if (!digests.containsKey(node) && !expected.isEmpty()) {
                divergent.add(node + " holds none of the partitions " + reference + " holds");
            }
        }
        return new Report(history.count(History.Outcome.ACKNOWLEDGED), history.count(History.Outcome.FAILED),
                history.count(History.Outcome.UNKNOWN), unknownStored.size(), reads.size(), lostPayloads.size(), lost, duplicated,
                conflicting, gaps,
                refusedButStored, phantoms, vanishedReads, divergent, digests);
    }

    /** By whom and when (milliseconds of {@link History#now()}) a publish was answered. */
    private static String when(History.Publish p) {
        return "(" + p.detail() + (p.detail().isEmpty() ? "" : ", ") + "answered at " + p.end() / 1_000_000 + " ms)";
    }

    private static String shortDigest(String digest) {
        return digest == null ? "(absent)" : digest.substring(0, 12);
    }

    private static String digest(List<Stored> records) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            for (Stored r : records) {
                sha.update((r.offset() + ":" + r.payload() + "\n").getBytes(StandardCharsets.UTF_8));
            }
            return HexFormat.of().formatHex(sha.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
