package storelog.store.file;

import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import storelog.api.EpochStart;
import storelog.api.PartitionKey;
import storelog.api.StaleEpochException;
import storelog.api.StorageFailedException;

/**
 * One partition's leader-epoch history (Kafka's leader-epoch cache): entries (epoch, first offset),
 * the records from an entry's start to the next entry's start written under its epoch. Kept in
 * memory and in {@link EpochHistoryFile}; it changes only when an epoch starts or the log goes back,
 * so appends of the latest epoch cost one comparison ({@link #admits}) and nothing else.
 *
 * <ul>
 *   <li><b>A new epoch.</b> Before the first record of an append of a new epoch is written, the
 *       history gains (epoch, base) and the file is replaced and forced — whatever the {@code FSYNC}
 *       policy — so no record can be durable or visible before the history that names its epoch.
 *       If the append then fails, the entry stays: it starts at the next offset and has no records.</li>
 *   <li><b>An epoch's start without records.</b> A new leader's term, and a follower reaching its
 *       start, add (epoch, next offset) alone ({@link #start}), saved the same way: the log then
 *       ranks by that epoch (docs/cluster.md, "Reads"). Recovery and truncation treat it like any
 *       entry: kept while it starts at or below the log's end, removed by a truncation to its start
 *       or below.</li>
 *   <li><b>Stale epochs.</b> An epoch below that of the partition's last record is refused. A last
 *       entry without records (it starts at the next offset) does not count: an append of a lower
 *       epoch replaces it.</li>
 *   <li><b>Going back.</b> When the log goes back, the entries that start beyond its new end go: at
 *       once and durably for a truncation (which also drops an entry starting exactly at the new end);
 *       for a rollback after a failed sync, in memory at once and in the file before the next append
 *       writes anything (a rollback can be caused by a full disk, which must not fail the partition).</li>
 *   <li><b>Recovery.</b> Entries that start beyond the recovered next offset are removed (their records
 *       were lost: a torn tail, or unsynced appends under {@code FSYNC=interval|never}), the file
 *       rewritten; the last entry may start at the next offset.</li>
 *   <li><b>Damage.</b> A file that fails its checks cannot be rebuilt (frames carry no epoch): the
 *       partition refuses appends, truncations and {@code epochs()} with an error naming the file, while
 *       reads go on. Only a truncation to 0, which leaves no record whose epoch is unknown, starts an
 *       empty history over it.</li>
 * </ul>
 * Not thread-safe: used under the partition lock.
 */
final class EpochHistory {

    /** The epoch of an append that names none: the partition's latest (0 when it has no history). */
    static final long CURRENT = -1;

    private static final Logger LOG = System.getLogger(EpochHistory.class.getName());
    private static final long NOT_READY = Long.MIN_VALUE;
    /** What a missing file stands for in a partition with records. */
    private static final List<EpochStart> IMPLICIT = List.of(new EpochStart(0, 0));

    private final PartitionKey key;
    private final Path dir;
    private final StoreContext context;
    private final OpenFiles files;
    private List<EpochStart> entries = List.of();
    /** Whether the file exists; if not, the history on disk is {@link #IMPLICIT} (or empty without records). */
    private boolean fileExists;
    /** Whether the history on disk is {@link #entries} (false after a rollback, until the next append). */
    private boolean saved = true;
    private StorageFailedException damage;
    /** The epoch an append may use without any work: the latest, when it is saved; else {@link #NOT_READY}. */
    private long ready = NOT_READY;

    EpochHistory(PartitionKey key, Path dir, StoreContext context) {
        this.key = key;
        this.dir = dir;
        this.context = context;
        this.files = context.files();
    }

    /**
     * Reads the history of a partition whose log was recovered to {@code next} records, removing
     * (durably) the entries that start beyond it. A damaged file is remembered, not thrown.
     *
     * @param listed whether the partition directory's listing, made under the partition lock just
     *               before, holds the history file (only this partition writes it, under that lock)
     */
    void load(long next, boolean listed) throws IOException {
        Path file = EpochHistoryFile.in(dir);
        fileExists = listed;
        if (!fileExists) {
            entries = next > 0 ? IMPLICIT : List.of();
            ready();
            return;
        }
        try {
            entries = EpochHistoryFile.read(files.disk(), file);
        } catch (DamagedEpochHistoryException e) {
            damage = new StorageFailedException("partition " + key + ": " + e.getMessage() + "; it cannot be rebuilt "
                    + "from the records (their frames carry no epoch), so the partition refuses appends and has no epoch "
                    + "history until the file is restored (see Recovery in the README); reads still work", e);
            LOG.log(Level.ERROR, damage.getMessage());
            ready();
            return;
        }
        List<EpochStart> recovered = upTo(next);
        if (recovered.size() < entries.size()) {
            LOG.log(Level.WARNING, "partition {0}: removing the leader epochs {1} from {2}: they start after the last "
                    + "record that survived (next offset {3}), so their records were lost", key,
                    entries.subList(recovered.size(), entries.size()), file, next);
            entries = recovered;
            saved = false;
            save();
        }
        ready();
    }

    /** Whether an append of {@code epoch} (or {@link #CURRENT}) needs nothing of the history: the hot path. */
    boolean admits(long epoch) {
        return epoch == ready || (epoch == CURRENT && ready != NOT_READY);
    }

    /**
     * Throws what {@link #beginAppend} would throw before anything is written: the epoch is stale, or
     * the history damaged.
     */
    void check(long epoch, long base) {
        after(epoch, base);
    }

    /**
     * Makes the history ready for an append of {@code epoch} (or {@link #CURRENT}) at {@code base}, the
     * next offset: a new epoch's entry is added and the file saved, durably, before the caller writes
     * any record. On failure the history is as it was.
     *
     * @throws StaleEpochException     when the partition holds records of a higher epoch
     * @throws StorageFailedException  when the history is damaged
     * @throws IOException             when the file could not be written
     */
    void beginAppend(long epoch, long base) throws IOException {
        List<EpochStart> next = after(epoch, base);
        if (saved && next.equals(entries)) {
            return;
        }
        List<EpochStart> before = entries;
        boolean wasSaved = saved;
        entries = next;
        saved = false;
        try {
            save();
        } catch (IOException | RuntimeException | Error e) { // an Error too: readers must not see an entry never saved
            entries = before;
            saved = wasSaved;
            ready();
            throw e;
        }
        LOG.log(Level.DEBUG, "partition {0}: leader epoch history {1}", key, entries);
    }

    /**
     * Records that {@code epoch} starts at {@code next}, the next offset, before any record of it
     * ({@link storelog.api.spi.StorageEngine#startEpoch}): an entry without records, saved durably.
     * Nothing changes when the latest entry is of {@code epoch} already. Unlike an append, a latest
     * entry of a higher epoch is refused even without records: the entry only ranks the log, and a
     * lower one must never replace a higher one's rank.
     *
     * @throws StaleEpochException    when the history holds a higher epoch
     * @throws StorageFailedException when the history is damaged
     * @throws IOException            when the file could not be written (the history is as it was)
     */
    void start(long epoch, long next) throws IOException {
        if (damage != null) {
            throw damage;
        }
        long latest = entries.isEmpty() ? CURRENT : entries.getLast().epoch();
        if (latest > epoch) {
            EpochStart last = entries.getLast();
            throw new StaleEpochException("epoch " + epoch + " is stale for partition " + key + ": its history holds epoch "
                    + last.epoch() + " from offset " + last.startOffset(), epoch, last.epoch());
        }
        if (latest < epoch) {
            beginAppend(epoch, next);
            LOG.log(Level.DEBUG, "partition {0}: leader epoch {1} starts at offset {2}", key, epoch, next);
        }
    }

    /** The log went back to {@code next} records after a failed sync: entries beyond it go, the file follows before the next append. */
    void rolledBack(long next) {
        if (damage == null && !entries.isEmpty() && entries.getLast().startOffset() > next) {
            entries = upTo(next);
            saved = false;
            ready();
        }
    }

    /**
     * Refuses, before anything is cut, a truncation the history cannot follow: one of a damaged history
     * to anything but 0.
     */
    void checkTruncation(long from) {
        if (damage != null && from != 0) {
            throw damage;
        }
    }

    /** The records from {@code from} on were removed: the entries starting at or after it go, durably. */
    void truncate(long from) throws IOException {
        if (damage != null) {
            checkTruncation(from);
            LOG.log(Level.WARNING, "partition {0}: truncated to 0, so its damaged leader-epoch history is replaced by an "
                    + "empty one", key);
            damage = null;
            entries = List.of();
            saved = false; // the damaged file goes
        }
        List<EpochStart> kept = upTo(from - 1);
        if (saved && kept.size() == entries.size()) {
            return;
        }
        entries = kept;
        saved = false;
        ready();
        save();
    }

    /**
     * The entries that start at or before {@code end}, the next offset readers see.
     *
     * @throws StorageFailedException when the history is damaged
     */
    List<EpochStart> upTo(long end) {
        if (damage != null) {
            throw damage;
        }
        return upTo(entries, end);
    }

    /** The entries of {@code history} that start at or before {@code end}. */
    static List<EpochStart> upTo(List<EpochStart> history, long end) {
        int keep = history.size();
        while (keep > 0 && history.get(keep - 1).startOffset() > end) {
            keep--;
        }
        return keep == history.size() ? history : List.copyOf(history.subList(0, keep));
    }

    /** The history after an append of {@code epoch} at {@code base}, the next offset. */
    private List<EpochStart> after(long epoch, long base) {
        List<EpochStart> recorded = upTo(base - 1); // the entries that have records; the last may have none
        EpochStart last = recorded.isEmpty() ? null : recorded.getLast();
        long e = epoch != CURRENT ? epoch : entries.isEmpty() ? 0 : entries.getLast().epoch();
        if (last != null && e < last.epoch()) {
            throw new StaleEpochException("epoch " + e + " is stale for partition " + key + ": it holds records of epoch "
                    + last.epoch() + " from offset " + last.startOffset(), e, last.epoch());
        }
        if (last != null && e == last.epoch()) {
            return recorded;
        }
        List<EpochStart> grown = new ArrayList<>(recorded);
        grown.add(new EpochStart(e, base));
        return List.copyOf(grown);
    }

    /** Writes {@link #entries} to the file, durably; no file is needed for the history a missing one stands for. */
    private void save() throws IOException {
        if (fileExists || !(entries.isEmpty() || entries.equals(IMPLICIT))) {
            Disk disk = files.disk();
            Path root = dir;
            for (int level = 0; level < key.relativePath().size(); level++) {
                root = root.getParent();
            }
            // the partition may be new: its whole path durable first (forcing directories that already are costs little)
            context.createPartitionDirectory(dir);
            Directories.forceUpTo(disk, root, dir);
            List<EpochStart> content = entries;
            files.withDescriptors(() -> {
                EpochHistoryFile.write(disk, dir, content);
                return null;
            });
            fileExists = true;
        }
        saved = true;
        ready();
    }

    private void ready() {
        ready = damage == null && saved && !entries.isEmpty() ? entries.getLast().epoch() : NOT_READY;
    }
}
