package storelog.store.file;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * What readers see of a partition: the offsets below its visible end, and whether it exists at all.
 * Both are written under the partition lock and read without it.
 */
final class Visibility {

    private static final VarHandle END;

    static {
        try {
            END = MethodHandles.lookup().findVarHandle(Visibility.class, "end", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** Readers see offsets below this; written under the lock with release semantics (no fence per append). */
    private long end;
    /** Whether the partition exists for readers: once it has a segment on disk at load, or a visible record. */
    private volatile boolean exists;

    /** The visible end: readers see offsets below it (any thread). */
    long end() {
        return (long) END.getAcquire(this);
    }

    /** Makes offsets below {@code end} visible to readers (lock held); a visible record makes the partition exist. */
    void publish(long end) {
        END.setRelease(this, end);
        if (end > 0 && !exists) {
            exists = true;
        }
    }

    /** Whether the partition exists for readers (any thread). */
    boolean exists() {
        return exists;
    }

    /** Loading found the partition's segments on disk, {@code onDisk} whether any (lock held). */
    void loaded(boolean onDisk) {
        exists = onDisk;
    }
}
