package storelog.store.file;

import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.util.List;
import storelog.api.PartitionKey;

/**
 * Opening a partition's segments: after a clean shutdown the active segment's cheap check; after a
 * crash the active segment's full recovery and a check of the last sealed one. Runs before the
 * partition is used, under its lock.
 */
final class PartitionRecovery {

    private static final Logger LOG = System.getLogger(PartitionRecovery.class.getName());

    private PartitionRecovery() {
    }

    /** The partition's segments, consistent, the last one active (none when the partition does not exist). */
    static List<Segment> recover(PartitionKey key, Path dir, StoreContext context) throws IOException {
        List<Segment> found = SegmentFiles.load(key, dir, context);
        if (!context.cleanStart() && found.size() >= 2) {
            found = keepCompleteSealed(key, found);
        }
        if (!found.isEmpty()) {
            SegmentRecovery.recoverActive(found.getLast(), context.cleanStart());
        }
        return found;
    }

    /**
     * After a crash, the last {@value SegmentRoller#MAX_PENDING} sealed segments may have lost an
     * unsynced tail ({@code FSYNC=interval|never} force them asynchronously). If one did, the records
     * after the loss cannot stay (offsets must stay gap-free): the later segments are dropped and that
     * one becomes active, to be cut at its last intact record.
     */
    private static List<Segment> keepCompleteSealed(PartitionKey key, List<Segment> found) throws IOException {
        int firstChecked = Math.max(0, found.size() - 1 - BackgroundFlush.MAX_PENDING);
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
            sealed.unseal();
            return found.subList(0, i + 1);
        }
        return found;
    }
}
