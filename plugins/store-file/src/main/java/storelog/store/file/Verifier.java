package storelog.store.file;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import storelog.api.PartitionKey;
import storelog.api.StorageFailedException;
import storelog.api.spi.VerificationReport;
import storelog.api.spi.VerificationReport.Problem;

/**
 * The full check behind {@code storelog verify}: every frame of every segment (CRC, length, offset
 * continuity), every index entry against the store, headers, leftovers. With repair, it fixes what
 * can be fixed without losing an acknowledged record: rebuilds indexes, truncates a torn tail of an
 * active segment (a write cut short, never acknowledged), rewrites a damaged header that intact
 * frames follow, removes leftover files. Corrupt records and missing records are reported, never
 * "repaired" away.
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
                verifier.partition(key, key.directoryIn(dataDir), files);
            }
        } catch (IOException e) {
            throw new StorageFailedException("verifying " + dataDir + " failed: " + e, e);
        }
        return new VerificationReport(keys.size(), verifier.records, verifier.problems, verifier.repairs);
    }

    private void partition(PartitionKey key, Path dir, OpenFiles files) throws IOException {
        List<Path> strays = new ArrayList<>();
        List<Long> bases = SegmentFiles.bases(dir, strays, files.disk());
        for (Path stray : strays) {
            if (SegmentFiles.isLeftover(stray)) {
                found(stray, -1, -1, "leftover file (an interrupted index rebuild, or an index without its store)", () -> {
                    files.disk().deleteIfExists(stray);
                    Directories.force(files.disk(), dir);
                }, "removed " + stray);
            }
        }
        for (int i = 0; i < bases.size(); i++) {
            boolean active = i == bases.size() - 1;
            long expected = active ? -1 : bases.get(i + 1) - bases.get(i);
            segment(SegmentFiles.open(key, dir, bases.get(i), Math.max(expected, 0), !active, files), expected);
        }
    }

    private void segment(Segment segment, long expected) throws IOException {
        BufferedFile store = segment.store();
        Path storePath = store.path();
        String header = FileHeader.STORE.problemIn(store, segment.base());
        SegmentScan scan = SegmentScan.of(store, segment.base(), expected);
        if (header != null) {
            boolean framesFollow = !scan.entries().isEmpty();
            boolean emptyActive = expected < 0 && !framesFollow;
            found(storePath, 0, -1, "store header: " + header,
                    framesFollow || emptyActive ? () -> SegmentRecovery.rewriteStoreHeader(segment, framesFollow) : null,
                    "rewrote the store header of " + storePath + " (" + scan.entries().size() + " intact records follow it)");
        }
        for (SegmentScan.Corruption c : scan.corrupt()) {
            found(storePath, c.position(), c.offset(), "record " + c.offset() + " is corrupt: " + c.problem(), null, null);
        }
        long found = scan.entries().size();
        long next = segment.base() + found;
        if (expected >= 0 && found < expected) {
            found(storePath, scan.validEnd(), next, "records " + next + " to " + (segment.base() + expected - 1)
                    + " are missing: the segment ends early" + (scan.hasTornTail() ? " (" + scan.tailProblem() + ")" : ""), null, null);
        } else if (expected >= 0 && found > expected) {
            found(storePath, -1, segment.base() + expected, "holds " + found + " records but the next segment starts after "
                    + expected, null, null);
        } else if (scan.hasTornTail()) {
            long tail = store.flushedSize() - scan.validEnd();
            found(storePath, scan.validEnd(), next, (expected < 0 ? "torn tail: " : "bytes after the last record: ") + tail
                    + " bytes that are no complete record (" + scan.tailProblem() + ")",
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
            store.force();
        }
        records += found;
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
