package storelog.server;

/** A command line that cannot be carried out as given (a missing file or directory): exit code 2, one line. */
final class UsageException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    UsageException(String message) {
        super(message, null, false, false);
    }
}
