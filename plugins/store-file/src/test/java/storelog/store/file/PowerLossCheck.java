package storelog.store.file;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import storelog.api.CorruptRecordException;
import storelog.api.EpochStart;
import storelog.api.PartitionKey;
import storelog.api.Record;
import storelog.api.spi.VerificationReport;

/**
 * Opens the real engine ({@link Disk#LOCAL}) on the files a simulated power cut left and checks them
 * against what was promised before the cut ({@link AckLog.Snapshot}):
 * <ul>
 *   <li>offsets are gap-free, each read returns the record of its offset, and every record served is
 *       one that was sent, byte for byte, at most once, at the offset it was acknowledged at, and not
 *       one a completed truncation removed; it carries the leader epoch it was appended under;</li>
 *   <li>{@code FSYNC=always}: every acknowledged record is there; damaged records (a torn write the
 *       crash made) only after the last acknowledged one;</li>
 *   <li>{@code interval|never}: the records below the durable point (a clean close, a truncation) are
 *       there and no record is damaged — what survives is a prefix of what was acknowledged;</li>
 *   <li>every mode: a batch is all or nothing — its records are all there or none is (unless a
 *       truncation cut it); a torn write inside it that intact records follow counts as damage, as above;</li>
 *   <li>an append after recovery gets the next offset;</li>
 *   <li>{@code verify} after a clean close names exactly the damaged records, nothing else.</li>
 * </ul>
 */
final class PowerLossCheck {

    /**
     * What the engine served per partition, offset by offset: a record's id, or -1 for a damaged
     * record; and how many batches it served part of (each one also a failure: a batch is all or nothing).
     */
    record Outcome(List<String> failures, Map<PartitionKey, List<Long>> log, int partialBatches) {
        boolean ok() {
            return failures.isEmpty();
        }
    }

    private final AckLog.Snapshot promised;
    private final FsyncPolicy fsync;
    private final List<String> failures = new ArrayList<>();
    private int partialBatches;

    private PowerLossCheck(AckLog.Snapshot promised, FsyncPolicy fsync) {
        this.promised = promised;
        this.fsync = fsync;
    }

    /** Checks the data directory under {@code root} (where a {@link CrashImage} was materialized). */
    static Outcome check(Path root, AckLog.Snapshot promised, FsyncPolicy fsync) {
        return new PowerLossCheck(promised, fsync).run(PowerLossWorkload.dataDir(root));
    }

    private Outcome run(Path data) {
        Map<PartitionKey, List<Long>> served = new TreeMap<>();
        Set<String> damaged = new TreeSet<>();
        try (FileStorageEngine engine = Engines.open(data, PowerLossWorkload.MAX_FILE_SIZE, fsync)) {
            for (var e : promised.partitions().entrySet()) {
                List<Long> log = partition(engine, e.getKey(), e.getValue());
                served.put(e.getKey(), log);
                for (int o = 0; o < log.size(); o++) {
                    if (log.get(o) < 0) {
                        damaged.add(e.getKey().directoryIn(data) + "@" + o);
                    }
                }
                long next = log.size();
                long probe = engine.append(e.getKey(), List.of(Engines.text("after the crash")));
                expect(probe == next, "%s: an append after recovery got offset %d, not %d", e.getKey(), probe, next);
            }
        } catch (RuntimeException e) {
            StringBuilder where = new StringBuilder();
            for (StackTraceElement frame : Arrays.copyOf(e.getStackTrace(), Math.min(6, e.getStackTrace().length))) {
                where.append("\n      at ").append(frame);
            }
            failures.add("the engine failed on the crashed disk: " + e + where);
            return new Outcome(failures, served, partialBatches);
        }
        VerificationReport report = Verifier.verify(data, false);
        Set<String> named = new TreeSet<>();
        for (VerificationReport.Problem p : report.problems()) {
            named.add(p.file().getParent() + "@" + p.offset());
        }
        expect(named.equals(damaged), "verify after recovery names %s, the damaged records are %s (%s)", named, damaged,
                report.problems());
        return new Outcome(failures, served, partialBatches);
    }

    private List<Long> partition(FileStorageEngine engine, PartitionKey key, AckLog.Promises promises) {
        long next = engine.info(key).map(i -> i.nextOffset()).orElse(0L);
        List<EpochStart> epochs = engine.epochs(key);
        Map<Long, Long> ackedAt = new HashMap<>();
        promises.acked().forEach((offset, id) -> ackedAt.put(id, offset));
        Set<Long> seen = new HashSet<>();
        List<Long> log = new ArrayList<>();
        long lastRequired = -1;
        for (var e : promises.acked().entrySet()) {
            if (!promises.maybeGone().contains(e.getValue())) {
                lastRequired = e.getKey();
            }
        }
        for (long o = 0; o < next; o++) {
            Record r;
            try {
                r = engine.read(key, o);
            } catch (CorruptRecordException e) {
                log.add(-1L);
                expect(fsync.mode() == FsyncPolicy.Mode.ALWAYS && o > lastRequired,
                        "%s: offset %d is damaged (%s); the last acknowledged record is at %d", key, o, e.getMessage(), lastRequired);
                continue;
            }
            long id = AckLog.idOf(r.payload());
            log.add(id);
            expect(r.offset() == o, "%s: reading offset %d returned offset %d", key, o, r.offset());
            expect(promised.wasSent(r), "%s: offset %d holds a record never sent: %s", key, o, r.text());
            expect(seen.add(id), "%s: record id=%d is served twice (again at offset %d)", key, id, o);
            expect(!promises.removed().contains(id), "%s: offset %d holds id=%d, which a completed truncation removed", key, o, id);
            Long at = ackedAt.get(id);
            expect(at == null || at == o, "%s: id=%d was acknowledged at offset %d but is served at %d", key, id, at, o);
            Long epoch = promises.epochs().get(id);
            long actual = epochOf(epochs, o);
            expect(epoch != null && epoch == actual, "%s: offset %d (id=%d) was appended under epoch %s, the history %s says %d",
                    key, o, id, epoch, epochs, actual);
        }
        for (List<Long> batch : promises.batches()) {
            if (batch.stream().anyMatch(id -> promises.removed().contains(id) || promises.maybeGone().contains(id))) {
                continue; // a truncation may cut a batch anywhere
            }
            long present = batch.stream().filter(seen::contains).count();
            if (present > 0 && present < batch.size() && !wholeWithDamage(log, batch)) {
                partialBatches++;
                expect(false, "%s: %d of the %d records of the batch %s are served: a batch is all or nothing, also "
                        + "across a crash (the log, ids by offset, -1 damaged: %s)", key, present, batch.size(), batch, log);
            }
        }
        expect(epochs.isEmpty() || epochs.getLast().startOffset() <= next, "%s: the epoch history %s starts an epoch after the "
                + "next offset %d", key, epochs, next);
        for (var e : promises.acked().entrySet()) {
            long o = e.getKey();
            long id = e.getValue();
            boolean required = !promises.maybeGone().contains(id)
                    && (fsync.mode() == FsyncPolicy.Mode.ALWAYS || o < promises.durable());
            expect(!required || (o < log.size() && log.get((int) o) == id), "%s: acknowledged id=%d at offset %d is lost "
                    + "(next offset %d, durable below %d)", key, id, o, next, promises.durable());
        }
        return log;
    }

    /**
     * Whether every record of {@code batch} is in {@code log} at consecutive offsets, served or damaged
     * (-1): a torn write the crash made inside a batch with intact records after it is damage, kept in
     * place under {@code always} (checked above: only after the last acknowledged record), as damage of
     * a complete batch would be; what must never be is a batch whose last records are simply gone.
     */
    private static boolean wholeWithDamage(List<Long> log, List<Long> batch) {
        int i = 0;
        while (!log.contains(batch.get(i))) {
            i++;
        }
        int start = log.indexOf(batch.get(i)) - i;
        for (int j = 0; j < batch.size(); j++) {
            int at = start + j;
            if (at < 0 || at >= log.size() || (log.get(at) != -1L && !log.get(at).equals(batch.get(j)))) {
                return false;
            }
        }
        return true;
    }

    private static long epochOf(List<EpochStart> epochs, long offset) {
        long epoch = 0;
        for (EpochStart e : epochs) {
            if (e.startOffset() <= offset) {
                epoch = e.epoch();
            }
        }
        return epoch;
    }

    private void expect(boolean condition, String format, Object... args) {
        if (!condition && failures.size() < 10) {
            failures.add(String.format(format, args));
        }
    }
}
