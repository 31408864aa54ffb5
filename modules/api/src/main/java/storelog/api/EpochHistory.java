package storelog.api;

import java.util.List;

/**
 * Questions about a partition's leader-epoch history ({@link storelog.api.spi.StorageEngine#epochs}),
 * oldest entry first. Pure functions over the list.
 */
public final class EpochHistory {

    private EpochHistory() {
    }

    /** The entry covering {@code offset}: the last one starting at or before it, or null when none does. */
    public static EpochStart at(List<EpochStart> history, long offset) {
        EpochStart found = null;
        for (EpochStart e : history) {
            if (e.startOffset() > offset) {
                break;
            }
            found = e;
        }
        return found;
    }

    /** The first offset at or after {@code from} (and below {@code until}) whose epoch is not {@code epoch}, else {@code until}. */
    public static long firstOtherEpoch(List<EpochStart> history, long from, long until, long epoch) {
        for (long at = from; at < until; ) {
            EpochStart covering = at(history, at);
            if (covering == null || covering.epoch() != epoch) {
                return at;
            }
            at = nextStart(history, covering, until);
        }
        return until;
    }

    /** Where the entry after {@code entry} starts, or {@code until} when it is the last. */
    private static long nextStart(List<EpochStart> history, EpochStart entry, long until) {
        int i = history.indexOf(entry);
        return i + 1 < history.size() ? Math.min(history.get(i + 1).startOffset(), until) : until;
    }

    /**
     * Where the records of epoch {@code epoch} or lower end in this history: the start of the first
     * entry of a higher epoch, or {@code next} (the log's end) when there is none. Kafka's
     * OffsetsForLeaderEpoch answer.
     */
    public static long endOf(List<EpochStart> history, long epoch, long next) {
        for (EpochStart e : history) {
            if (e.epoch() > epoch) {
                return Math.min(e.startOffset(), next);
            }
        }
        return next;
    }

    /** Whether the history holds an entry of exactly {@code epoch}. */
    public static boolean has(List<EpochStart> history, long epoch) {
        return history.stream().anyMatch(e -> e.epoch() == epoch);
    }

    /**
     * The first offset at which two logs differ, given their histories and ends: below it both hold
     * the same records (same epoch at the same offset means the same record, each epoch having one leader).
     */
    public static long divergence(List<EpochStart> a, long nextA, List<EpochStart> b, long nextB) {
        long end = Math.min(nextA, nextB);
        long at = 0;
        while (at < end) {
            EpochStart ea = at(a, at);
            EpochStart eb = at(b, at);
            if (ea == null || eb == null || ea.epoch() != eb.epoch()) {
                return at;
            }
            at = Math.min(nextStart(a, ea, end), nextStart(b, eb, end));
        }
        return end;
    }

    /** The last epoch of a history, or -1 for an empty one. */
    public static long lastEpoch(List<EpochStart> history) {
        return history.isEmpty() ? -1 : history.getLast().epoch();
    }
}
