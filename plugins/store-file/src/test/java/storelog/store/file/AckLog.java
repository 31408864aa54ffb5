package storelog.store.file;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import storelog.api.DataType;
import storelog.api.NewRecord;
import storelog.api.PartitionKey;
import storelog.api.Record;

/**
 * What a power-loss workload told the engine and what the engine promised back: every record handed
 * to an append (by a unique id in its payload), the offset of each acknowledged one, what a completed
 * truncation removed, and below which offset each partition is durable in every {@code FSYNC} mode
 * (a clean close, a completed truncation). A {@link Snapshot} taken at a crash is what the disk left
 * by that crash is checked against. Thread-safe.
 */
final class AckLog {

    /** One partition's promises. */
    private static final class Partition {
        /** offset to id of each acknowledged record not truncated away. */
        final TreeMap<Long, Long> acked = new TreeMap<>();
        /** Acknowledged ids a truncation under way may remove (it has not returned). */
        final Set<Long> maybeGone = new HashSet<>();
        /** Ids a completed truncation removed: they must never be served again. */
        final Set<Long> removed = new HashSet<>();
        /** Offsets below this are durable in every mode. */
        long durable;
        /** The epoch each sent record was appended under. */
        final Map<Long, Long> epochs = new HashMap<>();
        /** The ids of each append of more than one record. */
        final List<List<Long>> batches = new java.util.ArrayList<>();
    }

    private final Map<Long, NewRecord> sent = new HashMap<>();
    private final Map<PartitionKey, Partition> partitions = new TreeMap<>();
    private long nextId;

    /** A new record of {@code payloadBytes} bytes (at least its id's), not yet sent. */
    synchronized NewRecord newRecord(int payloadBytes) {
        long id = nextId++;
        String prefix = "id=" + id + ";";
        byte[] payload = (prefix + "x".repeat(Math.max(0, payloadBytes - prefix.length()))).getBytes(StandardCharsets.UTF_8);
        NewRecord record = new NewRecord(DataType.STRING, payload, 1_764_230_400_000L + id);
        sent.put(id, record);
        return record;
    }

    /** The id a record of this log carries, or -1 when it carries none. */
    static long idOf(byte[] payload) {
        String text = new String(payload, 0, Math.min(payload.length, 24), StandardCharsets.UTF_8);
        int end = text.indexOf(';');
        if (!text.startsWith("id=") || end < 0) {
            return -1;
        }
        try {
            return Long.parseLong(text.substring(3, end));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    synchronized void sending(PartitionKey key, long epoch, List<NewRecord> records) {
        Partition p = partitions.computeIfAbsent(key, k -> new Partition());
        records.forEach(r -> p.epochs.put(idOf(r.payload()), epoch));
        if (records.size() > 1) {
            p.batches.add(records.stream().map(r -> idOf(r.payload())).toList());
        }
    }

    synchronized void acknowledged(PartitionKey key, long base, List<NewRecord> records) {
        Partition p = partitions.get(key);
        for (int i = 0; i < records.size(); i++) {
            p.acked.put(base + i, idOf(records.get(i).payload()));
        }
    }

    synchronized void truncating(PartitionKey key, long from) {
        partitions.get(key).maybeGone.addAll(partitions.get(key).acked.tailMap(from).values());
    }

    synchronized void truncated(PartitionKey key, long from) {
        Partition p = partitions.get(key);
        var gone = p.acked.tailMap(from);
        p.removed.addAll(gone.values());
        gone.clear();
        p.maybeGone.clear();
        p.durable = from;
    }

    /** A clean close returned: everything acknowledged is durable. */
    synchronized void closed() {
        partitions.values().forEach(p -> p.durable = p.acked.isEmpty() ? 0 : p.acked.lastKey() + 1);
    }

    synchronized Snapshot snapshot() {
        Map<PartitionKey, Promises> copy = new TreeMap<>();
        partitions.forEach((key, p) -> copy.put(key, new Promises(new TreeMap<>(p.acked), Set.copyOf(p.maybeGone),
                Set.copyOf(p.removed), p.durable, Map.copyOf(p.epochs), List.copyOf(p.batches))));
        return new Snapshot(Map.copyOf(sent), copy);
    }

    /** One partition's promises at a moment. */
    record Promises(TreeMap<Long, Long> acked, Set<Long> maybeGone, Set<Long> removed, long durable, Map<Long, Long> epochs,
                    List<List<Long>> batches) {

        /** The offset {@code id} was acknowledged at (also if a truncation under way may remove it), or -1. */
        long ackedOffset(long id) {
            for (var e : acked.entrySet()) {
                if (e.getValue() == id) {
                    return e.getKey();
                }
            }
            return -1;
        }
    }

    /** The log's state at a crash. */
    record Snapshot(Map<Long, NewRecord> sent, Map<PartitionKey, Promises> partitions) {

        /** Whether {@code record} is, byte for byte, one the workload sent. */
        boolean wasSent(Record record) {
            NewRecord r = sent.get(idOf(record.payload()));
            return r != null && r.type() == record.type() && r.timestamp() == record.timestamp()
                    && Arrays.equals(r.payload(), record.payload());
        }
    }
}
