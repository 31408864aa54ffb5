package storelog.store.file;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Directory fsyncs of one directory ({@code DATA_DIR}) shared by concurrent callers, as a group
 * commit shares a file's: a caller is covered by the first fsync that <em>starts</em> after it asked
 * (so after the entries it created). While one runs, the callers that arrive wait for it to end, then
 * one of them forces for all of them. Under {@code FSYNC=always} every new partition needs its
 * directory's name in {@code DATA_DIR} durable before its first acknowledgement: 64 partitions created
 * at once cost two or three fsyncs of {@code DATA_DIR}, not 64 one after another on one directory.
 *
 * <p>A failed fsync fails exactly the callers it covered ({@link UnrecoverableWriteException}), as
 * each would have failed on its own; later callers force again. Waiting is not interruptible (as
 * {@link Directories#force}). Thread-safe.
 */
final class GroupedDirectoryForce {

    private final Disk disk;
    private final Path dir;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition ended = lock.newCondition();
    /** The fsync under way, or null. */
    private Round running;
    /** The callers that asked while {@code running} ran: the next fsync is theirs. */
    private Round next;
    private int waiting;

    /** One fsync and the callers it covers. */
    private static final class Round {
        boolean done;
        IOException failure;
    }

    GroupedDirectoryForce(Disk disk, Path dir) {
        this.disk = disk;
        this.dir = dir;
    }

    /** Returns once an fsync of the directory that started after this call began has succeeded. */
    void force() throws IOException {
        lock.lock();
        try {
            Round mine;
            if (running == null) {
                mine = new Round();
                run(mine);
            } else {
                if (next == null) {
                    next = new Round();
                }
                mine = next;
                waiting++;
                try {
                    while (!mine.done) {
                        if (running == null && next == mine) { // the fsync before it ended: this caller runs it for all
                            next = null;
                            run(mine);
                        } else {
                            ended.awaitUninterruptibly();
                        }
                    }
                } finally {
                    waiting--;
                }
            }
            if (mine.failure instanceof FileNotOpenedException notOpened) { // no fsync ran: the callers may retry
                throw new FileNotOpenedException(dir, notOpened);
            }
            if (mine.failure != null) {
                throw UnrecoverableWriteException.fsyncFailed(dir, mine.failure);
            }
        } finally {
            lock.unlock();
        }
    }

    /** Runs {@code round}'s fsync with the lock released (held on entry and on return). */
    private void run(Round round) {
        running = round;
        lock.unlock();
        IOException failed = null;
        try {
            Directories.force(disk, dir);
        } catch (IOException e) { // an UnrecoverableWriteException, or a FileNotOpenedException
            failed = e;
        } catch (RuntimeException | Error e) { // the caller sees it; the others must not take the round for a success
            failed = UnrecoverableWriteException.fsyncFailed(dir, new IOException(e));
            throw e;
        } finally {
            lock.lock();
            round.failure = failed;
            round.done = true;
            running = null;
            ended.signalAll();
        }
    }

    /** Callers waiting for an fsync under way to end (tests observe it). */
    int waiting() {
        lock.lock();
        try {
            return waiting;
        } finally {
            lock.unlock();
        }
    }
}
