package storelog.store.file;

import storelog.api.InvalidSettingException;

/**
 * When appended bytes are forced to disk ({@code FSYNC}), and so what a crash can take back.
 *
 * <ul>
 *   <li>{@code always} (default): an append is acknowledged only after its bytes are fsynced; concurrent
 *       appends share one fsync (group commit). Readers see a record only once it is durable. Nothing
 *       acknowledged is lost to a process crash or a power loss, and an offset once acknowledged or seen
 *       by a reader always names the same record.</li>
 *   <li>{@code interval:<ms>}: appends are acknowledged at once; buffered bytes are written and fsynced
 *       within {@code ms}. A crash (of the process or the machine) can lose the last {@code ms} of
 *       acknowledged appends.</li>
 *   <li>{@code never}: appends are acknowledged at once; bytes are handed to the OS within
 *       {@value #NEVER_HANDOFF_MILLIS} ms (or when 256 KiB are buffered) and fsynced only when a segment
 *       rolls and at shutdown. A process crash can lose the last {@value #NEVER_HANDOFF_MILLIS} ms, a machine
 *       crash whatever the OS had not written.</li>
 * </ul>
 * Under {@code interval} and {@code never} the log restarts after a crash from the last record that
 * survived: the offsets of the lost acknowledged records are given to new, different records.
 * {@link #guarantee()} says this in one sentence for the start-up log line.
 *
 * @param mode           which policy
 * @param intervalMillis for {@link Mode#INTERVAL}, the longest time before buffered appends are fsynced
 */
record FsyncPolicy(Mode mode, long intervalMillis) {

    static final String VARIABLE = "FSYNC";
    static final long NEVER_HANDOFF_MILLIS = 10;
    static final FsyncPolicy ALWAYS = new FsyncPolicy(Mode.ALWAYS, 0);
    static final FsyncPolicy NEVER = new FsyncPolicy(Mode.NEVER, 0);

    enum Mode { ALWAYS, INTERVAL, NEVER }

    /** Parses {@code always}, {@code never} or {@code interval:<ms>} (1 to 60000 ms). */
    static FsyncPolicy parse(String value) {
        String v = value.strip();
        if (v.equals("always")) {
            return ALWAYS;
        }
        if (v.equals("never")) {
            return NEVER;
        }
        if (v.startsWith("interval:")) {
            try {
                long ms = Long.parseLong(v.substring("interval:".length()));
                if (ms >= 1 && ms <= 60_000) {
                    return new FsyncPolicy(Mode.INTERVAL, ms);
                }
            } catch (NumberFormatException e) {
                // reported below
            }
        }
        throw new InvalidSettingException(VARIABLE, value, "expected always, never or interval:<ms> with 1 to 60000 ms");
    }

    /** What the policy guarantees for acknowledged records and their offsets, in one sentence. */
    String guarantee() {
        String reused = "; their offsets are then given to new, different records (only FSYNC=always never reuses one)";
        return switch (mode) {
            case ALWAYS -> "acknowledged after fsync: acknowledged records survive a process crash and a power loss,"
                    + " and an acknowledged offset is never given to other data";
            case INTERVAL -> "acknowledged before fsync: a crash can lose the records of the last " + intervalMillis + " ms" + reused;
            case NEVER -> "acknowledged before being written: a crash can lose the last " + NEVER_HANDOFF_MILLIS
                    + " ms of records, a power loss whatever the OS had not written" + reused;
        };
    }

    /** How long appended bytes may wait in a buffer before a background flush, in nanoseconds. */
    long flushDelayNanos() {
        return switch (mode) {
            case ALWAYS -> 0;
            case INTERVAL -> intervalMillis * 1_000_000;
            case NEVER -> NEVER_HANDOFF_MILLIS * 1_000_000;
        };
    }

    @Override
    public String toString() {
        return mode == Mode.INTERVAL ? "interval:" + intervalMillis : mode.name().toLowerCase(java.util.Locale.ROOT);
    }
}
