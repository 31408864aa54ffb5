package storelog.store.file;

import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.util.List;
import storelog.api.PartitionKey;

/**
 * Opening a partition's segments. After a clean shutdown: the active segment's cheap check (its
 * index against the store's size and its last frame), nothing else. After a crash: the newest sealed
 * segments that may have missed their background fsync (when a run since the last clean close that
 * forced everything ran under {@code interval|never}, {@code .unforced-rolls}: whatever the current
 * policy, which has written nothing to the partition yet) are checked for lost or torn records, the
 * active segment is scanned and repaired (after such a run cut at its first damaged record), and every file
 * recovery adopts — those segments' stores and sealed indexes, the partition's directories — is forced
 * before the partition serves anything (the active index, derived data, at its roll or the clean close): bytes that only reached the page cache before the crash must
 * not be served and then lost to a power cut, their offsets reused.
 * Runs before the partition is used, under its lock.
 */
final class PartitionRecovery {

    private static final Logger LOG = System.getLogger(PartitionRecovery.class.getName());

    private PartitionRecovery() {
    }

    /**
     * The partition's segments, consistent, the last one active (none when the partition does not
     * exist), and whether its leader-epoch history file is there.
     *
     * @param sealedMaybeUnsynced how many of the newest sealed segments may have missed their fsync
     *                            (checked and forced after a crash)
     * @param activeMaybeUnsynced whether the active segment's acknowledged records may be unsynced (a run
     *                            since the last clean close that forced everything ran under
     *                            {@code interval|never}: {@link DataDirectory.Recovery#CRASH_AFTER_UNFORCED_ROLLS}): after a crash it is cut at its
     *                            first damaged record rather than resynchronised past the damage
     * @param crashed whether the partition was in use when the engine last stopped uncleanly and has
     *                not been recovered since ({@link DataDirectory#needsRecovery})
     */
    static SegmentFiles.Found recover(PartitionKey key, Path dir, StoreContext context, int sealedMaybeUnsynced,
            boolean activeMaybeUnsynced, boolean crashed) throws IOException {
        SegmentFiles.Found loaded = SegmentFiles.load(key, dir, context);
        if (loaded.segments().isEmpty()) {
            return loaded;
        }
        List<Segment> found = dropEmptyBehindCutBack(key, loaded.segments(), context.disk());
        if (!crashed) {
            SegmentRecovery.recoverActive(found.getLast(), true);
            found.getLast().recovered();
            return new SegmentFiles.Found(found, loaded.epochHistory());
        }
        List<Segment> kept = keepCompleteSealed(key, found, sealedMaybeUnsynced, context.disk());
        SegmentRecovery.recoverActive(kept.getLast(), false, activeMaybeUnsynced);
        // one hand-off to an uninterruptible thread for all of them (each fsync inside runs on it
        // directly), not one per file: a first read after a crash waits for this
        Uninterruptible.run(() -> forceAdopted(kept, sealedMaybeUnsynced, dir, context.config().dataDir(), context.disk()));
        kept.getLast().recovered();
        return new SegmentFiles.Found(kept, loaded.epochHistory());
    }

    /**
     * Forces what recovery adopts, in this order: the checked sealed segments, the active store, then
     * the partition's directories below {@code root}.
     */
    private static void forceAdopted(List<Segment> found, int sealedMaybeUnsynced, Path dir, Path root, Disk disk)
            throws IOException {
        for (Segment adopted : found.subList(Math.max(0, found.size() - 1 - sealedMaybeUnsynced), found.size() - 1)) {
            adopted.forceAdopted();
        }
        found.getLast().forceAdoptedActive();
        for (Path d = dir; d != null && d.startsWith(root) && !d.equals(root); d = d.getParent()) {
            Directories.force(disk, d);
        }
    }

    /**
     * An empty last segment behind one whose store and index agree but hold another number of records
     * than its successor's base says: the shape a roll leaves whose append failed and was rolled back
     * (the full segment cut back to where the append began) when even removing the new segment failed
     * — fewer records: the cut ones were never acknowledged, and counting them would have their
     * offsets answer {@code corrupt_record} for good; more: later appends that fitted went on in the
     * full segment, acknowledged, and the empty one would hide them. The empty segment goes and the
     * other is active again, after a crash or a clean stop and whatever the {@code FSYNC} policy.
     * Damage is not this shape (its files disagree): a damaged segment is kept as it is.
     */
    private static List<Segment> dropEmptyBehindCutBack(PartitionKey key, List<Segment> found, Disk disk) throws IOException {
        if (found.size() < 2 || found.getLast().store().flushedSize() > FileHeader.SIZE) {
            return found;
        }
        Segment cut = found.get(found.size() - 2);
        long held = SegmentRecovery.cheapCount(cut);
        if (held < 0 || held == cut.count()) {
            return found;
        }
        LOG.log(Level.WARNING, "partition {0}: segment {1} holds {2} records, not the {3} the empty segment after it "
                + "implies (left by a roll that failed): the empty one is removed and the log continues at offset {4}", key,
                cut, held, cut.count(), cut.base() + held);
        found.getLast().deleteFiles();
        Directories.force(disk, cut.directory());
        cut.unseal();
        return found.subList(0, found.size() - 1);
    }

    /**
     * After a crash, the last {@code checked} sealed segments may have lost unsynced bytes
     * ({@code FSYNC=interval|never} force them asynchronously): a tail, or blocks torn anywhere. If one
     * did, the records after the loss cannot stay (what survives must be a prefix of what was
     * acknowledged): the later segments are dropped and that one becomes active, to be cut at its first
     * damaged or missing record.
     */
    private static List<Segment> keepCompleteSealed(PartitionKey key, List<Segment> found, int checked, Disk disk)
            throws IOException {
        int firstChecked = Math.max(0, found.size() - 1 - checked);
        for (int i = firstChecked; i < found.size() - 1; i++) {
            Segment sealed = found.get(i);
            if (SegmentRecovery.isComplete(sealed)) {
                continue;
            }
            LOG.log(Level.ERROR, "partition {0}: segment {1} lost records after a crash (an unsynced roll); the records from "
                    + "offset {2} on are gone and the log continues from the last intact record", key, sealed, found.get(i + 1).base());
            for (Segment dropped : found.subList(i + 1, found.size())) {
                dropped.deleteFiles();
            }
            Directories.force(disk, sealed.directory());
            sealed.unseal();
            return found.subList(0, i + 1);
        }
        return found;
    }
}
