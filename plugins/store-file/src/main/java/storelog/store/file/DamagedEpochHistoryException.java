package storelog.store.file;

import java.nio.file.Path;

/**
 * A leader-epoch history file ({@link EpochHistoryFile}) that fails its checks. It cannot be rebuilt:
 * frames carry no epoch, so only the file knows which epoch wrote which records.
 */
final class DamagedEpochHistoryException extends Exception {
    private static final long serialVersionUID = 1L;

    private final transient Path file;
    private final String problem;

    DamagedEpochHistoryException(Path file, String problem) {
        super("the leader-epoch history " + file + " is damaged: " + problem);
        this.file = file;
        this.problem = problem;
    }

    Path file() {
        return file;
    }

    /** What is wrong, without the file name. */
    String problem() {
        return problem;
    }
}
