package storelog.store.file;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import storelog.api.EpochStart;
import storelog.api.PartitionKey;
import storelog.api.StorageFailedException;
import storelog.api.spi.VerificationReport;
import storelog.api.spi.VerificationReport.Problem;

/**
 * The full check behind {@code storelog verify}: every frame of every segment (CRC, length, offset
 * continuity), every index entry against the store, headers, leftovers, and the leader-epoch history
 * ({@link EpochHistoryFile}: its checks, and no epoch starting after the last record). With repair, it
 * fixes what can be fixed without losing an acknowledged record: rebuilds indexes, truncates a torn
 * tail of an active segment (a write cut short, never acknowledged; an incomplete batch at its end is
 * part of it, {@link BatchTail}), rewrites a damaged header that
 * intact frames follow, removes leftover files, removes epochs whose records were lost (as recovery
 * does). Corrupt records and missing records are reported, never "repaired" away; nor is a damaged
 * history, which cannot be rebuilt (frames carry no epoch) and is never replaced by a guessed one.
 *
 * <p>Works on a data directory no engine has open (it takes the directory's lock) and leaves the
 * clean-shutdown marker as it found it.
 */
final class Verifier {

    private final boolean repair;
    private final List<Problem> problems = new ArrayList<>();
    private final List<String> repairs = new ArrayList<>();
    private long records;

    private Verifier(boolean repair) {
        this.repair = repair;
    }

    static VerificationReport verify(Path dataDir, boolean repair) {
        return verify(dataDir, repair, Disk.LOCAL);
    }

    static VerificationReport verify(Path dataDir, boolean repair, Disk disk) {
        Verifier verifier = new Verifier(repair);
        List<PartitionKey> keys;
        try (DataDirectory directory = DataDirectory.open(dataDir, false, disk);
             OpenFiles files = new OpenFiles(disk, 16)) {
            keys = directory.partitionKeys();
            for (PartitionKey key : keys) {
                verifier.partition(key, key.directoryIn(dataDir), files, !directory.needsRecovery(key));
            }
        } catch (IOException e) {
            throw new StorageFailedException("verifying " + dataDir + " failed: " + e, e);
        }
        return new VerificationReport(keys.size(), verifier.records, verifier.problems, verifier.repairs);
    }

    /** @param cleanlyClosed whether the engine closed cleanly: then an active segment's index lists records it must hold */
    private void partition(PartitionKey key, Path dir, OpenFiles files, boolean cleanlyClosed) throws IOException {
        SegmentFiles.Listing listing = SegmentFiles.list(dir, files.disk());
        List<Long> bases = listing.bases();
        for (Path stray : listing.leftovers()) {
            found(stray, -1, -1, "leftover file (an interrupted index rebuild, or an index without its store)", () -> {
                files.disk().deleteIfExists(stray);
                Directories.force(files.disk(), dir);
            }, "removed " + stray);
        }
        long next = 0;
        for (int i = 0; i < bases.size(); i++) {
            boolean active = i == bases.size() - 1;
            long count = active ? 0 : bases.get(i + 1) - bases.get(i);
            Segment segment = SegmentFiles.open(key, dir, bases.get(i), count, !active, files);
            long known = !active ? count : cleanlyClosed ? SegmentIndex.listedCount(segment.index()) : 0;
            next = bases.get(i) + segment(segment, known, active ? Long.MAX_VALUE : count, active);
        }
        epochs(dir, next, files.disk());
    }

    /** Checks the leader-epoch history of a partition whose records end at {@code next}; a missing one is {@code (0, 0)}. */
    private void epochs(Path dir, long next, Disk disk) throws IOException {
        Path file = EpochHistoryFile.in(dir);
        if (!disk.exists(file)) {
            return;
        }
        List<EpochStart> entries;
        try {
            entries = EpochHistoryFile.read(disk, file);
        } catch (DamagedEpochHistoryException e) {
            found(file, -1, -1, "leader-epoch history: " + e.problem() + "; it cannot be rebuilt from the records (frames "
                    + "carry no epoch): restore it from a backup, or see Recovery in the README", null, null);
            return;
        }
        List<EpochStart> recovered = EpochHistory.upTo(entries, next);
        if (recovered.size() < entries.size()) {
            EpochStart first = entries.get(recovered.size());
            found(file, -1, first.startOffset(), "leader-epoch history: epoch " + first.epoch() + " starts at offset "
                    + first.startOffset() + ", after the partition's last record (next offset " + next + "): its records "
                    + "were lost", () -> EpochHistoryFile.write(disk, dir, recovered), "removed the leader epochs "
                    + entries.subList(recovered.size(), entries.size()) + " from " + file + ": they start after the last record");
        }
    }

    /** Checks one segment; returns how many records it holds (damaged ones included). */
    private long segment(Segment segment, long known, long limit, boolean active) throws IOException {
        BufferedFile store = segment.store();
        Path storePath = store.path();
        String header = FileHeader.STORE.problemIn(store, segment.base());
        if (header != null) {
            found(storePath, 0, -1, "store header: " + header, () -> SegmentRecovery.rewriteStoreHeader(segment),
                    "rewrote the store header of " + storePath + " (the frames after it are kept)");
        }
        SegmentScan scan = SegmentScanner.scan(store, segment.index(), segment.base(), known, limit);
        for (SegmentScan.Corruption c : scan.corrupt()) {
            boolean atEnd = scan.missingFrom() >= 0 && c.offset() >= scan.missingFrom();
            found(storePath, c.position(), c.offset(), "record " + c.offset() + (atEnd ? " is missing: " : " is corrupt: ")
                    + c.problem(), null, null);
        }
        long found = scan.entries().size();
        if (scan.hasTornTail()) {
            long tail = store.flushedSize() - scan.validEnd();
            found(storePath, scan.validEnd(), segment.base() + found, (active ? "torn tail: " : "bytes after the last record: ")
                    + tail + " bytes that are no complete record (" + scan.tailProblem() + ")",
                    () -> store.truncate(scan.validEnd()), "truncated " + storePath + " to " + scan.validEnd()
                            + " bytes, removing " + tail + " bytes that held no complete record");
        }
        String index = SegmentIndex.mismatch(segment.index(), segment.base(), scan.entries());
        if (index != null) {
            found(segment.index().path(), -1, -1, index,
                    () -> SegmentIndex.write(segment.index(), segment.base(), scan.entries(), index),
                    "rebuilt " + segment.index().path() + " from its store (" + found + " entries)");
        }
        if (repair) {
            segment.force();
        }
        records += found;
        return found;
    }

    /** A repair step. */
    @FunctionalInterface
    private interface Fix {
        void apply() throws IOException;
    }

    private void found(Path file, long position, long offset, String what, Fix fix, String done) throws IOException {
        if (repair && fix != null) {
            fix.apply();
            repairs.add(done);
        } else {
            problems.add(new Problem(file, position, offset, what + (fix != null ? " (repairable)" : "")));
        }
    }
}
